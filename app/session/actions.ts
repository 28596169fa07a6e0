"use server";

import { cookies, headers } from "next/headers";
import { failure, type ActionState } from "@/lib/web/action";
import { safeNext } from "@/lib/auth/current";
import { credentialsSchema, loginSchema } from "@/lib/auth/schemas";
import { logIn, logOut, signUp } from "@/lib/auth/service";
import { SESSION_COOKIE, sessionCookieOptions, type SessionUser } from "@/lib/auth/session";
import { clientIp } from "@/lib/auth/client-address";
import { WHO_COOKIE, whoCookieOptions, whoValue } from "@/lib/auth/who";
import { adoptGuestCart } from "@/lib/cart/guest";

async function startSession(user: SessionUser, session: { token: string; expiresAt: Date }) {
  const jar = await cookies();
  jar.set(SESSION_COOKIE, session.token, sessionCookieOptions(session.expiresAt));
  jar.set(WHO_COOKIE, whoValue(user), whoCookieOptions(session.expiresAt));
  await adoptGuestCart(jar, user.id);
}

/** Signed in: who, and where to go next. The page moves there once the browser has forgotten the guest's state. */
export type SignedIn = ActionState<{ user: SessionUser; next: string }>;

export async function loginAction(_prev: SignedIn, form: FormData): Promise<SignedIn> {
  try {
    const input = loginSchema.parse({ username: form.get("username"), password: form.get("password") });
    const jar = await cookies();
    const { user, session } = await logIn(input.username, input.password, jar.get(SESSION_COOKIE)?.value, clientIp(await headers()));
    await startSession(user, session);
    return { ok: true, data: { user, next: safeNext(form.get("next")) } };
  } catch (e) {
    return failure(e);
  }
}

export async function registerAction(_prev: SignedIn, form: FormData): Promise<SignedIn> {
  try {
    const input = credentialsSchema.parse({ username: form.get("username"), password: form.get("password"), email: form.get("email") ?? undefined });
    const jar = await cookies();
    const { user, session } = await signUp(input, jar.get(SESSION_COOKIE)?.value);
    await startSession(user, session);
    return { ok: true, data: { user, next: safeNext(form.get("next")) } };
  } catch (e) {
    return failure(e);
  }
}

export async function logoutAction(): Promise<void> {
  const jar = await cookies();
  await logOut(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  jar.delete(WHO_COOKIE);
}
