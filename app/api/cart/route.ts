import { NextResponse } from "next/server";
import { GUEST_COOKIE, ownerFor } from "@/lib/cart/guest";
import { cartResponse } from "@/lib/web/cart-request";
import { optionalUser, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  const user = await optionalUser(req);
  const owner = ownerFor(user?.id, req.cookies.get(GUEST_COOKIE)?.value);
  if (!owner) return NextResponse.json({ items: [], selectedCount: 0, selectedTotal: "0.00" });
  return cartResponse(owner);
});
