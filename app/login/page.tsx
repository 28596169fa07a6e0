import type { Metadata } from "next";
import { loginAction } from "@/app/actions/auth";
import { safeNext } from "@/lib/auth/current";
import { AuthForm } from "./AuthForm";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNext((await searchParams).next);
  return (
    <>
      <h1>Log in</h1>
      <AuthForm action={loginAction} submitLabel="Log in" next={next} mode="login" />
    </>
  );
}
