import { NextResponse } from "next/server";
import { getAdminOrder } from "@/lib/admin/order-detail";
import { requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** Admin: one order (by id or number) with its lines' allocations, customer, address and timeline. */
export const GET = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  return NextResponse.json({ order: await getAdminOrder((await params).orderId) }, { headers: { "Cache-Control": "no-store" } });
});
