import { NextResponse } from "next/server";
import { readDropReport } from "@/lib/drops/report";
import { csvFileName, reportCsv } from "@/lib/drops/report-csv";
import { idParam, requireAdmin, route } from "@/lib/web/http";

type Ctx = { params: Promise<{ skuId: string }> };

export const dynamic = "force-dynamic";

/** The report as a CSV download: one row per second, then a summary row. */
export const GET = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const report = await readDropReport(skuId);
  return new NextResponse(reportCsv(report), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csvFileName(report)}"`,
      "Cache-Control": "no-store",
    },
  });
});
