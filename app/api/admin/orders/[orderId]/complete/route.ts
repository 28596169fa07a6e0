import { NextResponse } from "next/server";
import { completeAsAdmin } from "@/lib/admin/order-moves";
import { requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** Admin: a shipped order is completed. */
export const POST = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  return NextResponse.json({ order: await completeAsAdmin(admin.id, (await params).orderId) });
});
