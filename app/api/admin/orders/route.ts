import { NextResponse } from "next/server";
import { listAllOrders } from "@/lib/admin/orders";
import { orderFilterSchema } from "@/lib/admin/schemas";
import { parseWith, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  await requireAdmin(req);
  const { status } = parseWith(orderFilterSchema, { status: req.nextUrl.searchParams.get("status") || undefined });
  return NextResponse.json({ orders: await listAllOrders({ status }) }, { headers: { "Cache-Control": "no-store" } });
});
