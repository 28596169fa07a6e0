import { NextResponse } from "next/server";
import { requireUser, route } from "@/lib/web/http";
import { cancelOrder } from "@/lib/orders/lifecycle";

type Ctx = { params: Promise<{ orderId: string }> };

/** The caller cancels one of their unpaid or cash-on-delivery orders; its units go back on sale. */
export const POST = route<Ctx>(async (req, { params }) => {
  const user = await requireUser(req);
  return NextResponse.json({ order: await cancelOrder(user.id, (await params).orderId) });
});
