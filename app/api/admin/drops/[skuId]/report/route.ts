import { NextResponse } from "next/server";
import { readDropReport } from "@/lib/drops/report";
import { idParam, requireAdmin, route } from "@/lib/web/http";

type Ctx = { params: Promise<{ skuId: string }> };

export const dynamic = "force-dynamic";

/** One drop's report: every second from the record (and, while it runs, the seconds not stored yet), totals, revenue, conversion. */
export const GET = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  return NextResponse.json(await readDropReport(skuId), { headers: { "Cache-Control": "no-store" } });
});
