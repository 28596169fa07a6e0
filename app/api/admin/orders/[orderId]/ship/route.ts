import { NextResponse } from "next/server";
import { shipAsAdmin } from "@/lib/admin/order-moves";
import { shipSchema } from "@/lib/admin/order-schemas";
import { readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ orderId: string }> };

/** Admin: a paid or cash-on-delivery order is shipped, `{ carrier?, trackingNumber? }`. */
export const POST = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const shipment = await readJson(req, shipSchema);
  return NextResponse.json({ order: await shipAsAdmin(admin.id, (await params).orderId, shipment) });
});
