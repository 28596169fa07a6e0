import { NextResponse } from "next/server";
import { shipManyAsAdmin } from "@/lib/admin/order-moves";
import { bulkShipSchema } from "@/lib/admin/order-schemas";
import { readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Admin: ship 1–100 orders, each in its own transaction → `{ shipped: [...], refused: [{ orderId, code, message }] }`. */
export const POST = route(async (req) => {
  const admin = await requireAdmin(req);
  return NextResponse.json(await shipManyAsAdmin(admin.id, await readJson(req, bulkShipSchema)));
});
