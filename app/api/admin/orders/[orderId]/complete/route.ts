import { NextResponse } from "next/server";
import { requireAdmin, route } from "@/lib/web/http";
import { completeOrder } from "@/lib/orders/lifecycle";

type Ctx = { params: Promise<{ orderId: string }> };

/** Admin: a shipped order is completed. */
export const POST = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  return NextResponse.json({ order: await completeOrder((await params).orderId) });
});
