import "server-only";
import { getReadDb } from "@/db";
import { skus } from "@/db/schema";

export type LiveStock = { skuId: number; stock: number; onSale: boolean };
export type StockReading = { skus: Map<number, LiveStock>; readAt: number };

/** How old a reading may be before the next caller reads again. */
export const LIVE_STOCK_MAX_AGE_MS = 1000;

// One reading per process, whichever of Next's bundles asks: at most one database read per
// second however many pages poll, and callers arriving during a read share it (single flight).
const shared = globalThis as unknown as { stockroomLiveStock?: { reading?: StockReading; pending?: Promise<StockReading> } };

async function readAll(): Promise<StockReading> {
  const rows = await getReadDb().select({ skuId: skus.id, stock: skus.stock, onSale: skus.onSale }).from(skus);
  return { skus: new Map(rows.map((r) => [r.skuId, r])), readAt: Date.now() };
}

/**
 * Stock of every SKU as it was at most LIVE_STOCK_MAX_AGE_MS ago: for pages to show, never for a
 * checkout to decide (the checkout's transaction decides).
 */
export function liveStock(now = Date.now()): Promise<StockReading> {
  const cache = (shared.stockroomLiveStock ??= {});
  if (cache.reading && now - cache.reading.readAt < LIVE_STOCK_MAX_AGE_MS) return Promise.resolve(cache.reading);
  cache.pending ??= readAll()
    .then((reading) => (cache.reading = reading))
    .finally(() => (cache.pending = undefined));
  return cache.pending;
}
