import { NextResponse, type NextRequest } from "next/server";
import { optionalUser } from "@/lib/web/http";
import { GUEST_COOKIE, guestCookieOptions, newGuestId, ownerFor } from "../cart/guest";
import { getCart } from "../cart/service";
import { guestOwner, type Owner } from "../cart/store";

/** Whose cart a request means; a first-time guest who writes gets a new guest id. */
export async function cartOwner(req: NextRequest): Promise<{ owner: Owner; newGuestId?: string }> {
  const user = await optionalUser(req);
  const owner = ownerFor(user?.id, req.cookies.get(GUEST_COOKIE)?.value);
  if (owner) return { owner };
  const id = newGuestId();
  return { owner: guestOwner(id), newGuestId: id };
}

/** Answers with the whole cart, so the client's cache is replaced by the truth after every change. */
export async function cartResponse(owner: Owner, newGuest?: string, status = 200) {
  const res = NextResponse.json(await getCart(owner), { status });
  if (newGuest) res.cookies.set(GUEST_COOKIE, newGuest, guestCookieOptions());
  return res;
}
