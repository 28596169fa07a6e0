import { NextResponse } from "next/server";
import { requireAdmin, route } from "@/lib/web/http";
import { shipOrder } from "@/lib/orders/lifecycle";

type Ctx = { params: Promise<{ orderId: string }> };

/** Admin: a paid or cash-on-delivery order is shipped. */
export const POST = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  return NextResponse.json({ order: await shipOrder((await params).orderId) });
});
