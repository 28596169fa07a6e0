import "server-only";
import type { RowDataPacket } from "mysql2";
import { affectedRows, placeholders, type Conn } from "@/db";
import type { Line } from "@/lib/cart/store";
import type { CheckoutStrategy } from "@/lib/platform/env";
import { recordOptimisticRetry } from "./metrics";

export type Strategy = CheckoutStrategy;

/**
 * How a checkout transaction takes units out of stock, after its orders' rows are written (so a
 * hot row is locked as late as possible). Every step is a conditional change the database
 * checks, never a value computed from an earlier read, and the CHECK on stock stays the last
 * defence. Orders' lines are sorted by SKU id, and so are the rows each step touches: two
 * transactions never wait on each other in a cycle.
 *
 * Every step only gates and takes on `skus` (each SKU's sellable total); which location the units
 * leave from is decided after it, under the same row locks (./allocation.ts).
 *
 * `decide` runs before the rows are written and says which orders get their units: the
 * one-order steps admit their order and refuse it later by throwing ShortStock (the whole
 * transaction rolls back); `allocate` locks the rows and decides for many orders at once.
 */
export type StockStep = {
  strategy: Strategy;
  decide(tx: Conn, orders: Line[][]): Promise<Decision>;
  /** Takes the units, with `rider` in the query of the last stock change; answers the rider's results. */
  take(tx: Conn, orders: Line[][], rider: Rider): Promise<unknown[]>;
  /**
   * A first try that serves every order without locking rows first: the orders' rows are
   * written, then each SKU's units for all of them are taken in one conditional UPDATE, so a
   * hot row is locked only for that UPDATE, the allocation across locations and the COMMIT.
   * Throws NotEnoughForAll when a SKU cannot cover them all (the caller rolls back and decides
   * with `decide`).
   */
  takeAll?(tx: Conn, orders: Line[][], rider: Rider): Promise<unknown[]>;
};

/**
 * Statements that need the SKU rows' locks and go out in the same query as the step's last stock
 * change, after it (./allocation.ts: the locations' locked read): one round trip fewer. At least
 * two statements, so their results come back as a list. They must show that the transaction
 * still stands when they ran: an abort between two statements of one query is not reported to
 * the later ones (lib/orders/order-rows.ts).
 */
export type Rider = { sql: string; values: unknown[] };

/**
 * Per order: served, or refused with what was left of its SKUs when its turn came. `emptied`:
 * SKUs this transaction leaves at zero, for the sold-out hints.
 */
export type Decision = { verdicts: (true | { available: Map<number, number> })[]; emptied: number[] };

/** Thrown inside the transaction so it rolls back; carries the SKU that ran short. */
export class ShortStock extends Error {
  constructor(readonly skuId: number) {
    super(`short on SKU ${skuId}`);
  }
}

/** Thrown by `takeAll` when one SKU cannot cover every order of the batch: the transaction rolls back. */
export class NotEnoughForAll extends Error {}

/** Thrown when the optimistic loop gives up while stock remained: the row was too contended. */
export class TooContended extends Error {}

export const OPTIMISTIC_MAX_TRIES = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Prebuilt SQL (see db/index.ts `transaction`): these run once or more per order.
// "On sale" is the owner's switch and the product's status (its copy on the row, `product_active`):
// a draft's or an archived product's variant is refused here exactly like an off-sale one.
const TAKE_IF_ENOUGH = "UPDATE skus SET stock = stock - ?, sales = sales + ? WHERE id = ? AND on_sale = 1 AND product_active = 1 AND stock >= ?";
const TAKE = "UPDATE skus SET stock = stock - ?, sales = sales + ? WHERE id = ?";
// Still on sale too: an owner's switch or archive between the read and this write makes it miss, and the re-read refuses.
const TAKE_IF_UNCHANGED = "UPDATE skus SET stock = ?, sales = sales + ? WHERE id = ? AND stock = ? AND on_sale = 1 AND product_active = 1";
const READ_STOCK = "SELECT stock, on_sale AND product_active AS on_sale FROM skus WHERE id = ?";

/** Units per SKU over several orders, ascending SKU id. */
function unitsBySku(orders: Line[][]): Line[] {
  const units = new Map<number, number>();
  for (const lines of orders) for (const l of lines) units.set(l.skuId, (units.get(l.skuId) ?? 0) + l.count);
  return [...units].map(([skuId, count]) => ({ skuId, count })).sort((a, b) => a.skuId - b.skuId);
}

/**
 * One stock change per SKU, in ascending SKU order, each the first statement of its query (a
 * stock change may only be one, lib/orders/order-rows.ts says why); the last carries `rider`.
 * `missed` names the error for a change that found its condition false (none: it cannot miss).
 * Answers the rider's results.
 */
async function changeEach(tx: Conn, units: Line[], change: (l: Line) => [string, unknown[]], rider: Rider, missed?: (l: Line) => Error): Promise<unknown[]> {
  for (const [i, l] of units.entries()) {
    const [sql, values] = change(l);
    const last = i === units.length - 1;
    if (!last) {
      if (affectedRows(await tx.query(sql, values)) !== 1 && missed) throw missed(l);
      continue;
    }
    const [[changed, ...rode]] = (await tx.query(`${sql};\n${rider.sql}`, [...values, ...rider.values])) as unknown as [[{ affectedRows: number }, ...unknown[]]];
    if (changed.affectedRows !== 1 && missed) throw missed(l);
    return rode;
  }
  return alone(tx, rider);
}

const alone = async (tx: Conn, rider: Rider) => ((await tx.query(rider.sql, rider.values)) as unknown as [unknown[]])[0];

const takeIfEnough = (l: Line): [string, unknown[]] => [TAKE_IF_ENOUGH, [l.count, l.count, l.skuId, l.count]];

const admitAll = async (_tx: Conn, orders: Line[][]): Promise<Decision> => ({ verdicts: orders.map(() => true as const), emptied: [] });

/** `stock = stock - n` only where enough is left: one statement per line, no read. */
const conditional: StockStep = {
  strategy: "conditional",
  decide: admitAll,
  take: (tx, orders, rider) => changeEach(tx, unitsBySku(orders), takeIfEnough, rider, (l) => new ShortStock(l.skuId)),
};

/**
 * The seed's algorithm: read the stock, then write it only if it is still what was read,
 * retrying while another buyer got there first and stock still suffices. Bounded, unlike the
 * seed, and it needs READ COMMITTED so that a re-read sees the other buyer's commit.
 */
const optimistic: StockStep = {
  strategy: "optimistic",
  decide: admitAll,
  async take(tx, orders, rider) {
    for (const { skuId, count } of unitsBySku(orders)) {
      for (let attempt = 1; ; attempt++) {
        const [[row]] = await tx.query<RowDataPacket[]>(READ_STOCK, [skuId]);
        const stock = Number(row?.stock ?? 0);
        if (!row || !row.on_sale || stock < count) throw new ShortStock(skuId);
        if (affectedRows(await tx.query(TAKE_IF_UNCHANGED, [stock - count, count, skuId, stock])) === 1) break;
        if (attempt >= OPTIMISTIC_MAX_TRIES) throw new TooContended(`gave up on SKU ${skuId} after ${attempt} tries`);
        recordOptimisticRetry();
        await sleep(Math.random() * Math.min(2 * attempt, 20));
      }
    }
    return alone(tx, rider);
  },
};

/** Locks the rows (ascending id), checks what they hold, then takes. */
async function lockRows(tx: Conn, skuIds: number[]) {
  if (skuIds.length === 0) return new Map<number, number>();
  const [rows] = await tx.query<RowDataPacket[]>(`SELECT id, stock, on_sale AND product_active AS on_sale FROM skus WHERE id IN (${placeholders(skuIds.length)}) ORDER BY id FOR UPDATE`, skuIds);
  return new Map(rows.map((r) => [Number(r.id), r.on_sale ? Number(r.stock) : 0]));
}

/** `stock - n` on rows this transaction already checked and locked. */
const subtract = (tx: Conn, orders: Line[][], rider: Rider) => changeEach(tx, unitsBySku(orders), (l) => [TAKE, [l.count, l.count, l.skuId]], rider);

const pessimistic: StockStep = {
  strategy: "pessimistic",
  decide: admitAll,
  async take(tx, orders, rider) {
    const wanted = unitsBySku(orders);
    const left = await lockRows(
      tx,
      wanted.map((l) => l.skuId),
    );
    for (const { skuId, count } of wanted) if ((left.get(skuId) ?? 0) < count) throw new ShortStock(skuId);
    return subtract(tx, orders, rider);
  },
};

/**
 * For many orders in one transaction (`batched`): lock every SKU row the batch touches, then
 * serve the orders in arrival order, each with all its lines or none, while stock lasts. A hot
 * row is locked and its commit flushed once per batch instead of once per order.
 */
const allocate: StockStep = {
  strategy: "batched",
  async decide(tx, orders) {
    const left = await lockRows(
      tx,
      unitsBySku(orders).map((l) => l.skuId),
    );
    const verdicts = orders.map((lines) => {
      if (!lines.every((l) => (left.get(l.skuId) ?? 0) >= l.count)) return { available: new Map(lines.map((l) => [l.skuId, left.get(l.skuId) ?? 0])) };
      for (const l of lines) left.set(l.skuId, left.get(l.skuId)! - l.count);
      return true as const;
    });
    return { verdicts, emptied: [...left].filter(([, n]) => n === 0).map(([skuId]) => skuId) };
  },
  take: subtract,
  takeAll: (tx, orders, rider) => changeEach(tx, unitsBySku(orders), takeIfEnough, rider, () => new NotEnoughForAll()),
};

export const STOCK_STEPS: Record<Strategy, StockStep> = { conditional, optimistic, pessimistic, batched: allocate };
