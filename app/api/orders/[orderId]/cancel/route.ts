import { NextResponse } from "next/server";
import { route } from "@/lib/web/http";
import { orderOwnerFor } from "@/lib/web/order-access";
import { cancelOrder } from "@/lib/orders/lifecycle";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** The caller (or a guest with the order's signed link, `?token=`) cancels an unpaid or cash-on-delivery order; its units go back on sale. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { orderId } = await params;
  return NextResponse.json({ order: await cancelOrder(await orderOwnerFor(req, orderId), orderId) });
});
