import { and, eq, inArray, or, sql } from "drizzle-orm";
import { ulid } from "ulid";
import { getDb } from "@/db";
import { orderLines, orders, skus, type Order } from "@/db/schema";
import { getAddress } from "@/lib/addresses";
import { readLines, userOwner } from "@/lib/cart/store";
import { getSkus } from "@/lib/catalog";
import { env } from "@/lib/env";
import { AppError, ER_DUP_ENTRY, isAppError, isConnectionError, sqlErrno } from "@/lib/errors";
import { log } from "@/lib/log";
import { tracked } from "@/lib/shutdown";
import { toCents, toDecimal } from "@/lib/money";
import { submitToBatch } from "./batch";
import { clearBoughtLines, finishPendingCartCleanups } from "./cart-cleanup";
import { checkoutMetrics } from "./metrics";
import { findOrderByKey, ordersWithLines, toOrderView, type OrderView } from "./queries";
import { takeCheckoutSlot } from "./checkout-limit";
import { busy, isStockRefusal, retryOnContention } from "./retry";
import type { PlaceOrderInput } from "./schemas";
import { knownSoldOut } from "./soldout";
import { ShortStock, takeStock, TooContended, type SingleStrategy, type Strategy } from "./stock";
import { lineRowsOf, outOfStockError, type PreparedOrder, type Wanted } from "./outcomes";

export type PlaceOrderRequest = PlaceOrderInput & { userId: number; idempotencyKey: string };
export type PlaceOrderResult = { order: OrderView; created: boolean };
/** Transaction attempts of this checkout (1 unless it lost a deadlock or lock wait), for the log. */
export type AttemptStats = { attempts: number };

class DuplicateKey extends Error {}

/** A repeat of a key returns the first order, but only for the same request. */
async function replay(req: PlaceOrderRequest, found?: Order): Promise<PlaceOrderResult | null> {
  const existing = found ?? (await findOrderByKey(req.userId, req.idempotencyKey));
  if (!existing) return null;
  if (existing.addressId !== req.addressId || existing.payMethod !== req.payMethod) throw new AppError("IDEMPOTENCY_KEY_REUSED");
  const [order] = await ordersWithLines([existing]);
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

type Prepared = PreparedOrder & { soldOut: Set<number> };

/**
 * Everything that can be checked and computed before touching stock. Independent lookups run
 * concurrently (cart and address; SKUs and sold-out hints), but their errors are raised in the
 * order a sequential check would: cart, empty cart, address, SKUs.
 */
async function prepare(req: PlaceOrderRequest, strategy: Strategy, cleanupPending: boolean): Promise<Prepared> {
  if (cleanupPending) await finishPendingCartCleanups(req.userId);
  const [cart, addressLookup] = await Promise.allSettled([readLines(userOwner(req.userId)), getAddress(req.userId, req.addressId)]);
  const selected = settled(cart).filter((l) => l.selected);
  if (selected.length === 0) throw new AppError("EMPTY_CART");
  const address = settled(addressLookup);

  const ids = selected.map((l) => l.skuId);
  // Hints are read for batched checkouts only; knownSoldOut never throws (no hint, no refusal).
  const [skuList, soldOut] = await Promise.all([getSkus(ids), strategy === "batched" ? knownSoldOut(ids) : new Set<number>()]);
  const skuRows = new Map(skuList.map((s) => [s.skuId, s]));
  // Ascending SKU id: every transaction locks rows in the same order, so carts cannot deadlock.
  const wanted = selected
    .map((l) => {
      const sku = skuRows.get(l.skuId);
      return { skuId: l.skuId, count: l.count, name: sku ? `${sku.product} — ${sku.name}` : `SKU ${l.skuId}`, sku };
    })
    .sort((a, b) => a.skuId - b.skuId);
  if (wanted.some((w) => !w.sku?.onSale)) throw await outOfStock(wanted);
  const lines = wanted.map(({ skuId, count, name, sku }) => ({ skuId, count, name, price: sku!.price }));

  const freight = toCents(env().FREIGHT);
  const goods = lines.reduce((sum, l) => sum + toCents(l.price) * l.count, 0);
  const now = new Date();
  const header: Order = {
    id: ulid(now.getTime()),
    userId: req.userId,
    idempotencyKey: req.idempotencyKey,
    addressId: address.id,
    shipReceiver: address.receiver,
    shipPhone: address.phone,
    shipRegion: address.region,
    shipDetail: address.detail,
    totalCount: lines.reduce((n, l) => n + l.count, 0),
    totalAmount: toDecimal(goods + freight),
    freight: toDecimal(freight),
    payMethod: req.payMethod,
    status: req.payMethod === "online" ? "unpaid" : "awaiting_shipment",
    strategy,
    cartCleanupPending: false,
    createdAt: now,
    updatedAt: now,
  };
  return { header, lines, soldOut };
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
      throw e;
    } finally {
      log.info(
        { userId: req.userId, orderId, strategy, attempts: stats.attempts, outcome, ms: Math.round(performance.now() - started) },
        "checkout",
      );
    }
  });
}

async function placeOrderOnce(req: PlaceOrderRequest, strategy: Strategy, stats: AttemptStats): Promise<PlaceOrderResult> {
  const { earlier, cleanupPending } = await lookUpUser(req);
  if (earlier) return (await replay(req, earlier))!;
  await takeCheckoutSlot(req.userId);

  const { soldOut, ...prepared } = await prepare(req, strategy, cleanupPending);
  let outcome: "created" | "duplicate";
  if (strategy === "batched") {
    // A SKU known to be sold out is refused without opening a transaction.
    if (soldOut.size > 0) throw outOfStockError(prepared.lines, new Map([...soldOut].map((id) => [id, 0])));
    outcome = await submitToBatch(prepared, stats);
  } else {
    outcome = await commitAlone(prepared, strategy, stats);
  }
  if (outcome === "duplicate") {
    const first = await replay(req);
    if (first) return first;
    throw new AppError("BUSY", undefined, undefined, 1);
  }

  checkoutMetrics.orders++;
  await clearBoughtLines(req.userId, prepared.header.id, prepared.lines);
  return { order: toOrderView(prepared.header, lineRowsOf(prepared)), created: true };
}
