import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/app/admin/ui/access";
import { skuLabel } from "@/app/admin/ui/format";
import { findSku, stockSnapshot } from "@/lib/admin/stock";
import { readDropReport } from "@/lib/drops/report";
import { isAppError } from "@/lib/errors";
import { DropReportView } from "../DropReportView";
import { DropView } from "../DropView";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ skuId: string }>; searchParams: Promise<{ view?: string }> };

/** The SKU's id from the address, or nothing: "12abc", "0" and "1e3" are no SKU. */
async function skuIdOf(params: Params["params"]): Promise<number | null> {
  const { skuId } = await params;
  return /^[1-9]\d{0,15}$/.test(skuId) ? Number(skuId) : null;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const skuId = await skuIdOf(params);
  // A SKU's name is public (its product page shows it); the page itself checks the admin.
  const sku = skuId === null ? null : await findSku(skuId).catch(() => null);
  return { title: sku ? `Drop: ${skuLabel(sku)}` : "Drop" };
}

/**
 * One SKU's drop: live (sales, refusals by reason, stock left and latency, second by second) while
 * it runs; once it has ended, or with ?view=report, its report from the record over the whole drop.
 */
export default async function DropPage({ params, searchParams }: Params) {
  const skuId = await skuIdOf(params);
  await requireAdmin(skuId === null ? "/admin/drops" : `/admin/drops/${skuId}`);
  if (skuId === null) notFound();
  const report = await readDropReport(skuId).catch((e: unknown) => {
    if (isAppError(e) && e.code === "SKU_NOT_FOUND") notFound();
    throw e;
  });
  if (report.state === "ended" || (await searchParams).view === "report") return <DropReportView report={report} />;
  const snapshot = await stockSnapshot();
  return <DropView initial={snapshot} skuId={skuId} />;
}
