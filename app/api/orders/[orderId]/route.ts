import { NextResponse } from "next/server";
import { route } from "@/lib/web/http";
import { orderOwnerFor } from "@/lib/web/order-access";
import { getOrder } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** One of the caller's orders by id or number; a guest's with its signed link (`?token=`, by id only). */
export const GET = route<Ctx>(async (req, { params }) => {
  const { orderId } = await params;
  return NextResponse.json({ order: await getOrder(await orderOwnerFor(req, orderId), orderId) });
});
