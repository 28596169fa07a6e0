"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { failure, type ActionState } from "@/lib/action-state";
import { safeNext } from "@/lib/auth/current";
import { credentialsSchema, loginSchema } from "@/lib/auth/schemas";
import { logIn, logOut, signUp } from "@/lib/auth/service";
import { SESSION_COOKIE, sessionCookieOptions, type SessionUser } from "@/lib/auth/session";
import { clientIp } from "@/lib/auth/throttle";
import { adoptGuestCart } from "@/lib/cart/guest";

async function startSession(user: SessionUser, session: { token: string; expiresAt: Date }) {
  const jar = await cookies();
  jar.set(SESSION_COOKIE, session.token, sessionCookieOptions(session.expiresAt));
  await adoptGuestCart(jar, user.id);
}

export async function loginAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  try {
    const input = loginSchema.parse({ username: form.get("username"), password: form.get("password") });
    const jar = await cookies();
    const { user, session } = await logIn(input.username, input.password, jar.get(SESSION_COOKIE)?.value, clientIp(await headers()));
    await startSession(user, session);
  } catch (e) {
    return failure(e);
  }
  redirect(safeNext(form.get("next")));
}

export async function registerAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  try {
    const input = credentialsSchema.parse({ username: form.get("username"), password: form.get("password") });
    const jar = await cookies();
    const { user, session } = await signUp(input, jar.get(SESSION_COOKIE)?.value);
    await startSession(user, session);
  } catch (e) {
    return failure(e);
  }
  redirect(safeNext(form.get("next")));
}

export async function logoutAction(): Promise<void> {
  const jar = await cookies();
  await logOut(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect("/");
}
