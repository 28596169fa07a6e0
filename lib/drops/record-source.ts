import "server-only";
import { and, eq, gte, lt, sql } from "drizzle-orm";
import { encodeTime } from "ulid";
import { getDb } from "@/db";
import { orderLines, orders, skus } from "@/db/schema";
import { getRedis } from "@/lib/platform/redis";
import { parseSecond } from "./live-series";
import { secondKey, shoppersKey } from "./live-counts";
import { histogramOf, type RecordedSecond } from "./record-series";

/**
 * Where a second of the record comes from, shared by the recorder (which stores it) and the
 * report (which shows the seconds not stored yet the same way):
 * - the answers and the latency histogram: the per-second Redis hash every process adds to;
 * - the units: the orders created in that second, from order_lines (durable: a process killed
 *   after its commit and before its 200 ms flush lost its Redis counts, not its order). An
 *   order's id is a ULID of its created_at, so one index range (order_lines_sku_idx, sku_id then
 *   order_id) finds the orders from a second on;
 * - the stock left at the end of a second: the SKU's stock now plus the units sold after it (the
 *   orders of the seconds collected, and the live counts' units of the newer seconds, so a pass
 *   reads each order once, not again for every pass while its second waits out the grace period).
 */

/** The smallest order id created at or after `ms`. */
export const orderIdFloor = (ms: number) => `${encodeTime(ms, 10)}0000000000000000`;

/**
 * Units of the SKU's orders created in each second from `from` (to `to`, if given; epoch
 * seconds), summed by the database: one row per second reaches this process, not one per order.
 * created_at is UTC (db/index.ts writes it so), and TIMESTAMPDIFF from the epoch is plain
 * arithmetic, with no session time zone in it.
 */
export async function unitsBySecond(skuId: number, from: number, to?: number): Promise<Map<number, number>> {
  const second = sql<number>`TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', ${orders.createdAt})`;
  const rows = await getDb()
    .select({ t: second, units: sql<string>`SUM(${orderLines.count})` })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(and(eq(orderLines.skuId, skuId), gte(orderLines.orderId, orderIdFloor(from * 1000)), to === undefined ? undefined : lt(orderLines.orderId, orderIdFloor((to + 1) * 1000))))
    .groupBy(second);
  return new Map(rows.map((r) => [Number(r.t), Number(r.units)]));
}

export async function stockOf(skuId: number): Promise<number | null> {
  const rows = await getDb().select({ stock: skus.stock }).from(skus).where(eq(skus.id, skuId)).limit(1);
  return rows[0]?.stock ?? null;
}

export type CollectedSeconds = { seconds: RecordedSecond[]; shoppers: Map<number, number[]> };

/**
 * The seconds from `from` to `to` (epoch seconds) that had an answer or an order, each with the
 * shoppers who had an answer in it. `stockNow` is read by the caller before, so a sale between
 * the read and the orders' query only makes the stock left of earlier seconds look higher.
 */
export async function collectSeconds(skuId: number, from: number, to: number, stockNow: number, nowS = to): Promise<CollectedSeconds> {
  if (to < from) return { seconds: [], shoppers: new Map() };
  const p = getRedis().pipeline();
  for (let t = from; t <= to; t++) {
    p.hgetall(secondKey(skuId, t));
    p.smembers(shoppersKey(skuId, t));
  }
  for (let t = to + 1; t <= nowS; t++) p.hget(secondKey(skuId, t), "u");
  const [replies, units] = await Promise.all([p.exec(), unitsBySecond(skuId, from, to)]);
  const failed = replies?.find(([err]) => err);
  if (failed) throw failed[0];
  // Stock left at the end of `t`: now's stock plus everything sold after `t`.
  let later = 0;
  for (const [, n] of replies!.slice((to - from + 1) * 2)) later += Number(n ?? 0);
  const seconds: RecordedSecond[] = [];
  const shoppers = new Map<number, number[]>();
  for (let t = to; t >= from; t--) {
    const i = (t - from) * 2;
    const hash = (replies?.[i]?.[1] ?? {}) as Record<string, string>;
    const users = (replies?.[i + 1]?.[1] ?? []) as string[];
    const sold = units.get(t) ?? 0;
    const { outcomes } = parseSecond(t, hash);
    if (Object.keys(hash).length > 0 || sold > 0) {
      seconds.push({ t, units: sold, outcomes, latency: histogramOf(hash), stockLeft: stockNow + later });
    }
    if (users.length > 0) shoppers.set(t, users.map(Number));
    later += sold;
  }
  return { seconds: seconds.reverse(), shoppers };
}
