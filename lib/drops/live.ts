import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { skus, spus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { lineName } from "@/lib/catalog/product-name";
import { getRedis } from "@/lib/platform/redis";
import { marksKey, secondKey, totalsKey } from "./live-counts";
import { LIVE_WINDOW_S, parseSecond, parseTotals, withStockLeft, type DropSecond, type DropTotals } from "./live-series";

export type DropLive = {
  sku: { skuId: number; label: string; stock: number; sales: number; onSale: boolean; perCustomerLimit: number | null; saleStartsAt: string | null };
  /** The server's clock, epoch ms. */
  now: number;
  /** Every second from `from` to `to` (epoch seconds), none missing. */
  seconds: DropSecond[];
  totals: DropTotals;
  /** Epoch ms of the first and the last sale counted, if any. */
  firstSaleAt: number | null;
  lastSaleAt: number | null;
  /** Once stock is 0 after sales: when it sold out, and how long after the launch (or the first sale without one). */
  soldOut: { at: number; afterMs: number; from: "launch" | "first sale" } | null;
};

/**
 * The drop view's one read: the SKU as it is now (one primary-key query), the per-second
 * counts from `since` (epoch seconds, at most LIVE_WINDOW_S back) to now, the totals and the
 * sale marks, in one Redis pipeline (one SKU's keys share a hash tag: one node).
 */
export async function readDropLive(skuId: number, since?: number, now = Date.now()): Promise<DropLive> {
  const to = Math.floor(now / 1000);
  const from = Math.max(to - LIVE_WINDOW_S + 1, since ?? -Infinity);
  const [rows, replies] = await Promise.all([
    getDb()
      .select({
        stock: skus.stock,
        sales: skus.sales,
        onSale: skus.onSale,
        perCustomerLimit: skus.perCustomerLimit,
        saleStartsAt: skus.saleStartsAt,
        name: skus.name,
        product: spus.name,
      })
      .from(skus)
      .innerJoin(spus, eq(spus.id, skus.spuId))
      .where(eq(skus.id, skuId))
      .limit(1),
    readCounts(skuId, from, to),
  ]);
  const row = rows[0];
  if (!row) throw new AppError("SKU_NOT_FOUND");
  const { seconds, totals, marks } = replies;
  const firstSaleAt = marks.firstSale ?? null;
  const lastSaleAt = marks.lastSale ?? null;
  const launch = row.saleStartsAt?.getTime() ?? null;
  const start = launch ?? firstSaleAt;
  const soldOut =
    row.stock === 0 && lastSaleAt !== null && start !== null
      ? { at: lastSaleAt, afterMs: Math.max(0, lastSaleAt - start), from: launch !== null ? ("launch" as const) : ("first sale" as const) }
      : null;
  return {
    sku: {
      skuId,
      label: lineName(skuId, row),
      stock: row.stock,
      sales: row.sales,
      onSale: row.onSale,
      perCustomerLimit: row.perCustomerLimit,
      saleStartsAt: row.saleStartsAt?.toISOString() ?? null,
    },
    now,
    seconds: withStockLeft(seconds, row.stock),
    totals,
    firstSaleAt,
    lastSaleAt,
    soldOut,
  };
}

async function readCounts(skuId: number, from: number, to: number) {
  const p = getRedis().pipeline();
  for (let t = from; t <= to; t++) p.hgetall(secondKey(skuId, t));
  p.hgetall(totalsKey(skuId));
  p.zrange(marksKey(skuId), "0", "-1", "WITHSCORES");
  const results = (await p.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw failed[0];
  const values = results.map(([, v]) => v);
  const seconds = values.slice(0, to - from + 1).map((hash, i) => parseSecond(from + i, hash as Record<string, string>));
  const totals = parseTotals(values[to - from + 1] as Record<string, string>);
  const flat = values[to - from + 2] as string[];
  const marks: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) marks[flat[i]!] = Number(flat[i + 1]);
  return { seconds, totals, marks: marks as { firstSale?: number; lastSale?: number } };
}
