import { NextResponse } from "next/server";
import { cancelAsAdmin } from "@/lib/admin/order-moves";
import { requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** Admin: an unpaid or cash-on-delivery order is cancelled and its units go back. */
export const POST = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  return NextResponse.json({ order: await cancelAsAdmin(admin.id, (await params).orderId) });
});
