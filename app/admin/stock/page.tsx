import type { Metadata } from "next";
import { requireAdmin } from "@/app/admin/ui/access";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";
import { stockSnapshot } from "@/lib/admin/stock";
import { env } from "@/lib/platform/env";
import { StockConsole } from "./StockConsole";

export const metadata: Metadata = { title: "Stock" };
export const dynamic = "force-dynamic";

/** Every SKU's stock, sales and sale settings, live; `?q=` and `?sort=` open it filtered and sorted (the dashboard's low-stock links). */
export default async function StockPage({ searchParams }: { searchParams: Promise<{ q?: string | string[]; sort?: string | string[] }> }) {
  await requireAdmin("/admin/stock");
  const [snapshot, { q, sort }] = await Promise.all([stockSnapshot(), searchParams]);
  return (
    <>
      <RoomHeader title="Stock" lead="Every variant's stock and sales, live. Manage a row to restock it, move units between locations, or change its price, limit and launch." />
      <StockConsole initial={snapshot} lowStockThreshold={env().LOW_STOCK_THRESHOLD} filter={typeof q === "string" ? q : ""} sort={typeof sort === "string" ? sort : undefined} />
    </>
  );
}
