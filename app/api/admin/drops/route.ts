import { NextResponse } from "next/server";
import { listDrops } from "@/lib/drops/report";
import { requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Every drop, past and upcoming, with the units and the revenue it kept. */
export const GET = route(async (req) => {
  await requireAdmin(req);
  const drops = (await listDrops()).map(({ skuId, label, saleStartsAt, soldOutAt, units, revenue }) => ({ skuId, label, saleStartsAt, soldOutAt, units, revenue }));
  return NextResponse.json({ drops }, { headers: { "Cache-Control": "no-store" } });
});
