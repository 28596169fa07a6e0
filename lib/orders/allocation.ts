import "server-only";
import type { RowDataPacket } from "mysql2";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { affectedRows, commitWith, placeholders, type Conn, type Tx } from "@/db";
import { orderLineAllocations, orderLines, skuLocations, skus } from "@/db/schema";
import { notifyRestocked } from "@/lib/alerts/restock";
import type { Line } from "@/lib/cart/store";
import { log } from "@/lib/platform/log";
import { FIND_ORDER, orderFound, ordersGoneOr } from "./order-rows";
import type { Rider } from "./stock";

/**
 * Which location each sold unit leaves from. `skus.stock` is a SKU's sellable total (the sum over
 * its active locations), and every strategy's gate on that row stays the one point of contention:
 * this runs after the step took the units from `skus`, so the transaction already holds each SKU
 * row's lock, and every other change to a SKU's location rows (cancel, adjustment, transfer,
 * deactivation) takes that lock first. The location rows are therefore never contended on their
 * own, and what they hold adds up to what `skus` let through.
 *
 * No round trip of its own: the locked read of the SKUs' active location rows rides on the
 * step's last stock change (`lockingLocations`, ./stock.ts), and the take from them with the
 * allocations' rows on the transaction's COMMIT (`commitSplit`).
 */

/** An order's lines as the transaction wrote them. */
export type Bought = { orderId: string; lines: Line[] };

/** One line's units from one location. */
export type Allocation = { orderId: string; skuId: number; locationId: number; count: number };

/** What a batch takes from each location, the allocations' rows, and the SKUs it leaves with no sellable unit. */
export type Split = { guard: string; changes: { skuId: number; locationId: number; count: number }[]; allocations: Allocation[]; emptied: number[] };

/** The active locations did not hold what `skus.stock` said they did: the sum invariant is broken; the transaction rolls back. */
export class LocationsShort extends Error {}

// Ascending SKU id, then the order locations drain in. `stock > 0`: an empty location takes no lock worth keeping.
const lockLocations = (n: number) =>
  `SELECT sku_id, location_id, stock FROM sku_locations WHERE sku_id IN (${placeholders(n)}) AND active = 1 AND stock > 0 ORDER BY sku_id, priority, location_id FOR UPDATE`;
const INSERT_ALLOCATIONS = "INSERT INTO order_line_allocations (order_id, sku_id, location_id, count) VALUES ";

const skuIdsOf = (bought: Bought[]) => [...new Set(bought.flatMap((o) => o.lines.map((l) => l.skuId)))].sort((a, b) => a - b);

/**
 * The bought SKUs' active location rows, locked, then a read of the batch's first order: it
 * rides behind a stock change (./stock.ts), so an abort between the two would let the locked
 * read run outside the transaction without a word; the order is then gone (OrdersGone).
 */
export function lockingLocations(bought: Bought[]): Rider {
  const skuIds = skuIdsOf(bought);
  return { sql: `${lockLocations(skuIds.length)};\n${FIND_ORDER}`, values: [...skuIds, bought[0]!.orderId] };
}

/**
 * Splits every bought line over its SKU's active locations in priority order (a line spans two
 * locations when the first runs out), from the locked rows `lockingLocations` read. Orders are
 * served in the order given, so within a batch an earlier order drains the first location first.
 */
export function splitOverLocations(bought: Bought[], [rows, found]: unknown[]): Split {
  orderFound(found);
  const queues = new Map<number, { locationId: number; left: number }[]>();
  for (const r of rows as RowDataPacket[]) {
    const skuId = Number(r.sku_id);
    let q = queues.get(skuId);
    if (!q) queues.set(skuId, (q = []));
    q.push({ locationId: Number(r.location_id), left: Number(r.stock) });
  }
  const allocations: Allocation[] = [];
  const taken = new Map<string, { skuId: number; locationId: number; count: number }>();
  for (const { orderId, lines } of bought) {
    for (const { skuId, count } of lines) {
      const q = queues.get(skuId) ?? [];
      let wanted = count;
      for (const at of q) {
        if (wanted === 0) break;
        const n = Math.min(at.left, wanted);
        if (n === 0) continue;
        at.left -= n;
        wanted -= n;
        allocations.push({ orderId, skuId, locationId: at.locationId, count: n });
        const key = `${skuId}:${at.locationId}`;
        const t = taken.get(key);
        if (t) t.count += n;
        else taken.set(key, { skuId, locationId: at.locationId, count: n });
      }
      if (wanted > 0) throw new LocationsShort(`SKU ${skuId}: its active locations hold less than skus.stock let through`);
    }
  }
  const emptied = skuIdsOf(bought).filter((skuId) => (queues.get(skuId) ?? []).every((at) => at.left === 0));
  return { guard: bought[0]!.orderId, changes: [...taken.values()], allocations, emptied };
}

/**
 * The transaction's last round trip: the location rows' take, the allocations, COMMIT, and a read
 * of the batch's first order that says the COMMIT committed it (db/index.ts `commitWith`). The
 * take comes first (a stock change may only be a query's first statement on Galera;
 * lib/orders/order-rows.ts says why), and the allocations' foreign key to `orders` refuses them
 * if an abort fell between the two. The unsigned column refuses a take the read did not allow;
 * it cannot happen while the rows stay locked. The rows are named as ORed pairs: MariaDB's UPDATE
 * has no range access for `(sku_id, location_id) IN (...)` and read every location row of the
 * shop instead.
 */
export async function commitSplit(tx: Conn, { guard, changes, allocations }: Split): Promise<void> {
  let results: unknown[];
  try {
    results = await commitWith(
      tx,
      `UPDATE sku_locations SET stock = stock - CASE ${changes.map(() => "WHEN sku_id = ? AND location_id = ? THEN ?").join(" ")} END
       WHERE ${changes.map(() => "(sku_id = ? AND location_id = ?)").join(" OR ")};\n` +
        INSERT_ALLOCATIONS +
        allocations.map(() => "(?, ?, ?, ?)").join(", "),
      FIND_ORDER,
      [
        ...changes.flatMap((c) => [c.skuId, c.locationId, c.count]),
        ...changes.flatMap((c) => [c.skuId, c.locationId]),
        ...allocations.flatMap((a) => [a.orderId, a.skuId, a.locationId, a.count]),
        guard,
      ],
    );
  } catch (e) {
    throw ordersGoneOr(e);
  }
  orderFound(results.at(-1));
  // The rows were read under this transaction's lock and are named by primary key: the take
  // changed each of them. Past the COMMIT nothing can be undone, so this only says so if not.
  if (affectedRows([results[0]]) !== changes.length) log.error({ guard, changes }, "a location row changed under its lock: the sum over locations no longer matches skus.stock");
}

/**
 * Gives a cancelled order's units back to the locations they came from, inside the cancelling
 * transaction and after its status move (so exactly once). Locks the SKU rows first (ascending),
 * as checkout does, then the location rows; a location deactivated since gets its units back but
 * they stay unsellable, so `skus.stock` grows only by what went back to active locations. Sales
 * drop by every unit. Answers the SKUs restocked.
 */
export async function giveBack(tx: Tx, orderId: string): Promise<number[]> {
  const lines = await tx.select({ skuId: orderLines.skuId, count: orderLines.count }).from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.skuId));
  if (lines.length === 0) return [];
  const skuIds = lines.map((l) => l.skuId);
  const locked = await tx.select({ id: skus.id, stock: skus.stock }).from(skus).where(inArray(skus.id, skuIds)).orderBy(asc(skus.id)).for("update");
  const allocated = await tx
    .select({ skuId: orderLineAllocations.skuId, locationId: orderLineAllocations.locationId, count: orderLineAllocations.count, active: skuLocations.active })
    .from(orderLineAllocations)
    .innerJoin(skuLocations, and(eq(skuLocations.skuId, orderLineAllocations.skuId), eq(skuLocations.locationId, orderLineAllocations.locationId)))
    .where(eq(orderLineAllocations.orderId, orderId))
    .orderBy(asc(orderLineAllocations.skuId), asc(orderLineAllocations.locationId))
    .for("update");
  const sellable = new Map<number, number>();
  for (const a of allocated) {
    await tx
      .update(skuLocations)
      .set({ stock: sql`${skuLocations.stock} + ${a.count}` })
      .where(and(eq(skuLocations.skuId, a.skuId), eq(skuLocations.locationId, a.locationId)));
    if (a.active) sellable.set(a.skuId, (sellable.get(a.skuId) ?? 0) + a.count);
  }
  for (const { skuId, count } of lines) {
    const back = sellable.get(skuId) ?? 0;
    if (allocated.every((a) => a.skuId !== skuId)) log.error({ orderId, skuId }, "cancelled line has no allocation: its units cannot go back to a location");
    await tx
      .update(skus)
      .set({ stock: sql`${skus.stock} + ${back}`, sales: sql`${skus.sales} - ${count}` })
      .where(eq(skus.id, skuId));
  }
  // Units back on sale are a restock like any other: a variant they take from 0 wakes its waiting subscribers.
  await notifyRestocked(
    tx,
    locked.map((s) => ({ skuId: s.id, before: s.stock, after: s.stock + (sellable.get(s.id) ?? 0) })),
  );
  return skuIds;
}
