import "server-only";
import { getReadDb } from "@/db";
import { skus } from "@/db/schema";
import { hasWaitingRoom, shopperOnSale } from "@/lib/catalog/products";
import { pageCacheState } from "@/lib/platform/page-cache/handler.mjs";

/** What may change about a SKU while its page is open: stock as it sells, and whatever an admin edits. */
export type LiveSku = {
  skuId: number;
  stock: number;
  onSale: boolean;
  price: string;
  perCustomerLimit: number | null;
  /** ISO 8601, UTC. */
  saleStartsAt: string | null;
  waitingRoom: boolean;
};
export type StockReading = { skus: Map<number, LiveSku>; readAt: number };

/** How old a reading may be before the next caller reads again. */
export const LIVE_STOCK_MAX_AGE_MS = 1000;

// One reading per process, whichever of Next's bundles asks: at most one database read per
// second however many pages poll, and callers arriving during a read share it (single flight).
const shared = globalThis as unknown as { stockroomLiveStock?: { reading?: StockReading; pending?: Promise<StockReading> } };

async function readAll(): Promise<StockReading> {
  // Dated from before the query: a change that commits while it runs makes the reading stale.
  const readAt = Date.now();
  const rows = await getReadDb()
    .select({ skuId: skus.id, stock: skus.stock, onSale: shopperOnSale, price: skus.price, perCustomerLimit: skus.perCustomerLimit, saleStartsAt: skus.saleStartsAt, waitingRoom: hasWaitingRoom })
    .from(skus);
  return { skus: new Map(rows.map((r) => [r.skuId, { ...r, saleStartsAt: r.saleStartsAt?.toISOString() ?? null }])), readAt };
}

/**
 * Every SKU as it was at most LIVE_STOCK_MAX_AGE_MS ago, and not before the last catalog change
 * this process heard of: for pages to show, never for a checkout to decide (the checkout's
 * transaction decides).
 */
export function liveStock(now = Date.now()): Promise<StockReading> {
  const cache = (shared.stockroomLiveStock ??= {});
  const { reading } = cache;
  if (reading && now - reading.readAt < LIVE_STOCK_MAX_AGE_MS && reading.readAt >= pageCacheState().changedAt) return Promise.resolve(reading);
  cache.pending ??= readAll()
    .then((reading) => (cache.reading = reading))
    .finally(() => (cache.pending = undefined));
  return cache.pending;
}
