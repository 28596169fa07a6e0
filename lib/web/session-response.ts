import { NextResponse, type NextRequest } from "next/server";
import { adoptGuestCart } from "@/lib/cart/guest";
import { SESSION_COOKIE, sessionCookieOptions, type SessionUser } from "../auth/session";
import { WHO_COOKIE, whoCookieOptions, whoValue } from "../auth/who";

/** The JSON answer to a login or registration: the user, the new session cookie, the guest cart merged. */
export async function sessionResponse(req: NextRequest, user: SessionUser, session: { token: string; expiresAt: Date }, status: number) {
  const res = NextResponse.json({ user }, { status });
  res.cookies.set(SESSION_COOKIE, session.token, sessionCookieOptions(session.expiresAt));
  res.cookies.set(WHO_COOKIE, whoValue(user), whoCookieOptions(session.expiresAt));
  await adoptGuestCart({ get: (n) => req.cookies.get(n), delete: (n) => res.cookies.delete(n) }, user.id);
  return res;
}
