import { NextResponse } from "next/server";
import { route } from "@/lib/web/http";
import { orderOwnerFor } from "@/lib/web/order-access";
import { payOrder } from "@/lib/orders/lifecycle";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** Simulated payment of one of the caller's online orders (or a guest's, with its signed link `?token=`); paying twice answers the order again. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { orderId } = await params;
  return NextResponse.json({ order: await payOrder(await orderOwnerFor(req, orderId), orderId) });
});
