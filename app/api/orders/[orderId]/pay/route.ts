import { NextResponse } from "next/server";
import { requireUser, route } from "@/lib/web/http";
import { payOrder } from "@/lib/orders/lifecycle";

type Ctx = { params: Promise<{ orderId: string }> };

/** Simulated payment of one of the caller's online orders; paying twice answers the order again. */
export const POST = route<Ctx>(async (req, { params }) => {
  const user = await requireUser(req);
  return NextResponse.json({ order: await payOrder(user.id, (await params).orderId) });
});
