import type { Metadata } from "next";
import { registerAction } from "@/app/session/actions";
import { AuthForm } from "@/app/session/AuthForm";
import { safeNext } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Register" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNext((await searchParams).next);
  return (
    <>
      <h1>Create your account</h1>
      <AuthForm action={registerAction} submitLabel="Register" pendingLabel="Creating account…" next={next} mode="register" />
    </>
  );
}
