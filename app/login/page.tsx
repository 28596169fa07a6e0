import type { Metadata } from "next";
import { loginAction } from "@/app/session/actions";
import { safeNext } from "@/lib/auth/current";
import { AuthForm } from "../session/AuthForm";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNext((await searchParams).next);
  return (
    <>
      <h1>Log in</h1>
      {next === "/checkout" && (
        <p className="alert info" data-testid="login-reason">
          Log in to check out. Your cart is kept.
        </p>
      )}
      <AuthForm action={loginAction} submitLabel="Log in" pendingLabel="Logging in…" next={next} mode="login" />
    </>
  );
}
