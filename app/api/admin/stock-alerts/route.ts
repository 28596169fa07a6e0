import { NextResponse } from "next/server";
import { parseWith, requireAdmin, route } from "@/lib/web/http";
import { alertCounts } from "@/lib/alerts/subscriptions";
import { alertCountsSchema } from "@/lib/alerts/schemas";

export const dynamic = "force-dynamic";

/** Admin: `?skuId=` one variant's waiting and notified subscribers (404 SKU_NOT_FOUND), or every variant that has any. */
export const GET = route(async (req) => {
  await requireAdmin(req);
  const { skuId } = parseWith(alertCountsSchema, { skuId: req.nextUrl.searchParams.get("skuId") || undefined });
  return NextResponse.json({ alerts: await alertCounts(skuId) }, { headers: { "Cache-Control": "no-store" } });
});
