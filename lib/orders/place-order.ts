import { and, eq, inArray, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders, skus, type Order } from "@/db/schema";
import { getAddress } from "@/lib/addresses";
import { readLines, takeBoughtLines, userOwner } from "@/lib/cart/store";
import { getSkus } from "@/lib/catalog";
import { env } from "@/lib/env";
import { AppError, ER_DUP_ENTRY, isAppError, isConnectionError, sqlErrno } from "@/lib/errors";
import { log } from "@/lib/log";
import { tracked } from "@/lib/shutdown";
import { submitToBatch } from "./batch";
import { clearBoughtLines, finishPendingCartCleanups } from "./cart-cleanup";
import { checkoutMetrics } from "./metrics";
import { findOrderByKey, ordersWithLines, toOrderView, type OrderView } from "./queries";
import { returnCheckoutSlot, takeCheckoutSlot } from "./checkout-limit";
import { busy, isStockRefusal, retryOnContention } from "./retry";
import { knownSoldOut } from "./soldout";
import { ShortStock, takeStock, TooContended, type SingleStrategy, type Strategy } from "./stock";
import { buildOrder, lineName, lineRowsOf, outOfStockError, type PlaceOrderRequest, type PreparedOrder, type Wanted } from "./outcomes";

export type { PlaceOrderRequest };
export type PlaceOrderResult = { order: OrderView; created: boolean };
/** Transaction attempts of this checkout (1 unless it lost a deadlock or lock wait), for the log. */
export type AttemptStats = { attempts: number };

class DuplicateKey extends Error {}

// Well inside the life of the cart's per-order marker (7 days), which makes a repeat cleanup harmless.
const REPLAY_CLEANUP_WINDOW_MS = 86_400_000;

/**
 * A repeat of a key returns the first order, but only for the same request. A repeat is often a
 * retry after a lost reply, when the first request may never have taken the bought lines out of
 * the cart: the replay does it (once per order, whoever gets there first).
 */
async function replay(req: PlaceOrderRequest, found?: Order): Promise<PlaceOrderResult | null> {
  const existing = found ?? (await findOrderByKey(req.userId, req.idempotencyKey));
  if (!existing) return null;
  if (existing.addressId !== req.addressId || existing.payMethod !== req.payMethod) throw new AppError("IDEMPOTENCY_KEY_REUSED");
  const [order] = await ordersWithLines([existing]);
  if (Date.now() - existing.createdAt.getTime() < REPLAY_CLEANUP_WINDOW_MS) {
    await takeBoughtLines(userOwner(req.userId), existing.id, order!.lines).catch((err: unknown) =>
      log.warn({ err, orderId: existing.id }, "could not take a replayed order's lines out of the cart"),
    );
  }
  checkoutMetrics.replays++;
  return { order: order!, created: false };
}

/** Builds the OUT_OF_STOCK answer from stock as it is now (after the rollback). */
async function outOfStock(wanted: Wanted[]): Promise<AppError> {
  const rows = await getDb()
    .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale })
    .from(skus)
    .where(inArray(skus.id, wanted.map((w) => w.skuId)));
  return outOfStockError(wanted, new Map(rows.map((r) => [r.id, r.onSale ? r.stock : 0])));
}

/**
 * One query for the two things checkout must know first: an earlier order with this key (a
 * replay), and whether any of the user's orders still waits for its cart cleanup. The key is
 * matched by the database, with the unique index's collation.
 */
async function lookUpUser(req: PlaceOrderRequest): Promise<{ earlier?: Order; cleanupPending: boolean }> {
  const rows = await getDb()
    .select({ order: orders, isKey: sql<number>`${orders.idempotencyKey} = ${req.idempotencyKey}`.mapWith(Number) })
    .from(orders)
    .where(and(eq(orders.userId, req.userId), or(eq(orders.idempotencyKey, req.idempotencyKey), eq(orders.cartCleanupPending, true))));
  return { earlier: rows.find((r) => r.isKey === 1)?.order, cleanupPending: rows.some((r) => r.order.cartCleanupPending) };
}

/** What a settled lookup holds, or its error, rethrown; lets independent lookups run together yet fail in a fixed order. */
const settled = <T>(r: PromiseSettledResult<T>): T => {
  if (r.status === "rejected") throw r.reason;
  return r.value;
};

/**
 * Everything that can be checked and computed before touching stock. Independent lookups run
 * concurrently (cart and address), but their errors are raised in the order a sequential check
 * would: cart, empty cart, address, SKUs.
 */
async function prepare(req: PlaceOrderRequest, strategy: SingleStrategy, cleanupPending: boolean): Promise<PreparedOrder> {
  if (cleanupPending) await finishPendingCartCleanups(req.userId);
  const [cart, addressLookup] = await Promise.allSettled([readLines(userOwner(req.userId)), getAddress(req.userId, req.addressId)]);
  const selected = settled(cart).filter((l) => l.selected);
  if (selected.length === 0) throw new AppError("EMPTY_CART");
  const address = settled(addressLookup);

  const skuRows = new Map((await getSkus(selected.map((l) => l.skuId))).map((s) => [s.skuId, s]));
  // Ascending SKU id: every transaction locks rows in the same order, so carts cannot deadlock.
  const wanted = selected
    .map((l) => ({ skuId: l.skuId, count: l.count, name: lineName(l.skuId, skuRows.get(l.skuId)), sku: skuRows.get(l.skuId) }))
    .sort((a, b) => a.skuId - b.skuId);
  if (wanted.some((w) => !w.sku?.onSale)) throw await outOfStock(wanted);
  return buildOrder(req, address, wanted.map(({ skuId, count, name, sku }) => ({ skuId, count, name, price: sku!.price })), strategy);
}

/**
 * One order, one READ COMMITTED transaction: the header, the lines, then the stock last (the hot
 * row's lock is held for the shortest time). Retried whole only on deadlock or lock-wait timeout.
 */
async function commitAlone(prepared: PreparedOrder, strategy: SingleStrategy, stats: AttemptStats): Promise<"created" | "duplicate"> {
  try {
    await retryOnContention(`checkout (${strategy})`, (attempt) => {
      stats.attempts = attempt;
      return getDb().transaction(
        async (tx) => {
          try {
            await tx.insert(orders).values(prepared.header);
          } catch (e) {
            // Another request with this key got there first; we waited on its index lock.
            if (sqlErrno(e) === ER_DUP_ENTRY) throw new DuplicateKey();
            throw e;
          }
          await tx.insert(orderLines).values(lineRowsOf(prepared));
          await takeStock(strategy, tx, prepared.lines, checkoutMetrics);
        },
        { isolationLevel: "read committed" },
      );
    });
    return "created";
  } catch (e) {
    if (e instanceof DuplicateKey) return "duplicate";
    if (e instanceof ShortStock || isStockRefusal(e)) throw await outOfStock(prepared.lines);
    // The optimistic loop already retried 50 times inside; another round would only add load.
    if (e instanceof TooContended) throw busy("checkout (optimistic)", 1, e);
    throw e;
  }
}

/**
 * Places an order from the caller's selected cart lines, everything or nothing, with the
 * configured strategy. A repeated idempotency key returns the first order. Counted as in-flight
 * work (a graceful shutdown waits for it) and logged once per checkout with its outcome.
 */
export function placeOrder(req: PlaceOrderRequest, strategy: Strategy = env().CHECKOUT_STRATEGY): Promise<PlaceOrderResult> {
  return tracked(async () => {
    const started = performance.now();
    const stats: AttemptStats = { attempts: 0 };
    let outcome = "error";
    let orderId: string | undefined;
    try {
      const result = await placeOrderOnce(req, strategy, stats);
      outcome = result.created ? "created" : "replayed";
      orderId = result.order.orderId;
      return result;
    } catch (e) {
      outcome = isAppError(e) ? e.code : isConnectionError(e) ? "DB_UNAVAILABLE" : "error";
      if (outcome === "OUT_OF_STOCK") checkoutMetrics.outOfStock++;
      throw e;
    } finally {
      log.info(
        { userId: req.userId, orderId, strategy, attempts: stats.attempts, outcome, ms: Math.round(performance.now() - started) },
        "checkout",
      );
    }
  });
}

function placeOrderOnce(req: PlaceOrderRequest, strategy: Strategy, stats: AttemptStats): Promise<PlaceOrderResult> {
  return strategy === "batched" ? placeBatched(req, stats) : placeAlone(req, strategy, stats);
}

async function placeAlone(req: PlaceOrderRequest, strategy: SingleStrategy, stats: AttemptStats): Promise<PlaceOrderResult> {
  const { earlier, cleanupPending } = await lookUpUser(req);
  if (earlier) return (await replay(req, earlier))!;
  await takeCheckoutSlot(req.userId);

  const prepared = await prepare(req, strategy, cleanupPending);
  if ((await commitAlone(prepared, strategy, stats)) === "duplicate") return replayOrBusy(req);
  await clearBoughtLines(req.userId, prepared.header.id, prepared.lines);
  return created(prepared);
}

/**
 * The batched strategy's own path: before the batch, only the cart and the sold-out hints (both
 * Redis); the idempotency lookup, address, prices and stock are settled by the batch for all its
 * orders at once. A refusal that never reaches a batch (empty cart, SKU hinted sold out) first
 * checks that the key has no order yet, so a retried request still gets its order back.
 */
async function placeBatched(req: PlaceOrderRequest, stats: AttemptStats): Promise<PlaceOrderResult> {
  // Past the per-user limit, a retry of a key that already has its order still gets it back.
  const refused = await takeCheckoutSlot(req.userId).then(
    () => null,
    (e: unknown) => (isAppError(e) ? e : Promise.reject(e)),
  );
  if (refused) return replayOr(req, refused);
  const result = await placeBatchedOnce(req, stats);
  if (!result.created) await returnCheckoutSlot(req.userId);
  return result;
}

// Rounds a batched checkout may take when its user's earlier orders are still being cleaned up.
const MAX_CLEANUP_ROUNDS = 3;

async function placeBatchedOnce(req: PlaceOrderRequest, stats: AttemptStats): Promise<PlaceOrderResult> {
  for (let round = 1; ; round++) {
    const wanted = (await readLines(userOwner(req.userId))).filter((l) => l.selected).map(({ skuId, count }) => ({ skuId, count }));
    if (wanted.length === 0) return replayOr(req, new AppError("EMPTY_CART"));
    const soldOut = await knownSoldOut(wanted.map((w) => w.skuId));
    if (soldOut.size > 0) {
      const named = wanted.map((w) => ({ ...w, name: soldOut.get(w.skuId) ?? lineName(w.skuId) }));
      // Only the hinted lines are short; the others are not reported.
      const available = new Map(wanted.map((w) => [w.skuId, soldOut.has(w.skuId) ? 0 : w.count]));
      return replayOr(req, outOfStockError(named, available));
    }
    const outcome = await submitToBatch({ req, wanted }, stats);
    // The combiner has already taken the bought lines out of the cart.
    if (outcome.kind === "created") return created(outcome.prepared);
    if (outcome.kind === "earlier") return outcome.order ? (await replay(req, outcome.order))! : replayOrBusy(req);
    // An earlier order of this user whose cart cleanup is not done yet (in flight, or failed): the
    // cart read above may still hold its lines. Finish it, read the cart again, try again.
    if (round >= MAX_CLEANUP_ROUNDS) throw new AppError("BUSY", undefined, undefined, 1);
    await finishPendingCartCleanups(req.userId);
  }
}

async function replayOr(req: PlaceOrderRequest, refusal: AppError): Promise<PlaceOrderResult> {
  const first = await replay(req);
  if (first) return first;
  throw refusal;
}

/** Our INSERT met this key's order written concurrently: answer with it (it can only be missing if it was rolled back). */
async function replayOrBusy(req: PlaceOrderRequest): Promise<PlaceOrderResult> {
  return replayOr(req, new AppError("BUSY", undefined, undefined, 1));
}

function created(prepared: PreparedOrder): PlaceOrderResult {
  checkoutMetrics.orders++;
  return { order: toOrderView(prepared.header, lineRowsOf(prepared)), created: true };
}
