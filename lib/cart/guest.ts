import { randomBytes } from "node:crypto";
import { log } from "@/lib/platform/log";
import { settleGuestCartCleanups } from "./cleanup";
import { guestOwner, mergeCarts, userOwner, type Owner } from "./store";

export const GUEST_COOKIE = "stockroom_guest";
const GUEST_ID = /^[A-Za-z0-9_-]{22}$/;

export const newGuestId = () => randomBytes(16).toString("base64url");
export const validGuestId = (value: string | undefined): value is string => !!value && GUEST_ID.test(value);

export function guestCookieOptions() {
  return { httpOnly: true, sameSite: "lax" as const, secure: process.env.NODE_ENV === "production", path: "/", maxAge: 30 * 86_400 };
}

type CookieJar = { get(name: string): { value: string } | undefined; delete(name: string): unknown };

/** On login: the guest's cart joins the user's and the guest cookie goes. Never fails a login. */
export async function adoptGuestCart(jar: CookieJar, userId: number) {
  const guestId = jar.get(GUEST_COOKIE)?.value;
  if (!validGuestId(guestId)) return;
  try {
    // Lines a guest order bought leave the guest cart first, so they never merge into the account's.
    await settleGuestCartCleanups(guestId);
    await mergeCarts(guestOwner(guestId), userOwner(userId));
    jar.delete(GUEST_COOKIE);
  } catch (e) {
    log.warn({ err: e, userId }, "guest cart merge failed; kept for the next login");
  }
}

/** The cart owner for a request: the user when signed in, else the guest cookie's id. */
export function ownerFor(userId: number | undefined, guestId: string | undefined): Owner | null {
  if (userId) return userOwner(userId);
  return validGuestId(guestId) ? guestOwner(guestId) : null;
}
