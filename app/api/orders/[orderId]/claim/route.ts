import { NextResponse } from "next/server";
import { requireUser, route } from "@/lib/web/http";
import { claimOrder } from "@/lib/orders/claim";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** Moves a guest order into the signed-in account: needs its signed link (`?token=`) and the account's e-mail to be the order's. */
export const POST = route<Ctx>(async (req, { params }) => {
  const user = await requireUser(req);
  const order = await claimOrder(user.id, (await params).orderId, req.nextUrl.searchParams.get("token"));
  return NextResponse.json({ order });
});
