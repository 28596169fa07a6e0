import { inArray } from "drizzle-orm";
import { ulid } from "ulid";
import { getDb } from "@/db";
import { orderLines, orders, skus, type Order } from "@/db/schema";
import { getAddress } from "@/lib/addresses";
import { readLines, userOwner } from "@/lib/cart/store";
import { getSkus } from "@/lib/catalog";
import { env } from "@/lib/env";
import { AppError, ER_DUP_ENTRY, ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT, sqlErrno } from "@/lib/errors";
import { log } from "@/lib/log";
import { toCents, toDecimal } from "@/lib/money";
import { clearBoughtLines, finishPendingCartCleanups } from "./cart-cleanup";
import { checkoutMetrics } from "./metrics";
import { findOrderByKey, toOrderView, type OrderView } from "./queries";
import type { PlaceOrderInput } from "./schemas";
import { ShortStock, takeStock, TooContended, type Strategy } from "./stock";

export type PlaceOrderRequest = PlaceOrderInput & { userId: number; idempotencyKey: string };
export type PlaceOrderResult = { order: OrderView; created: boolean };

// The database's own refusals if a guard were ever wrong: out of range (unsigned) and CHECK.
const STOCK_REFUSALS = new Set([1690, 4025, 3819]);
const RETRYABLE = new Set([ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT]);

class DuplicateKey extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A repeat of a key returns the first order, but only for the same request. */
async function replay(req: PlaceOrderRequest): Promise<PlaceOrderResult | null> {
  const existing = await findOrderByKey(req.userId, req.idempotencyKey);
  if (!existing) return null;
  if (existing.addressId !== req.addressId || existing.payMethod !== req.payMethod) throw new AppError("IDEMPOTENCY_KEY_REUSED");
  const lines = await getDb().select().from(orderLines).where(inArray(orderLines.orderId, [existing.id]));
  checkoutMetrics.replays++;
  return { order: toOrderView(existing, lines.sort((a, b) => a.skuId - b.skuId)), created: false };
}

async function outOfStock(wanted: { skuId: number; count: number; name: string }[]): Promise<AppError> {
  const rows = await getDb()
    .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale })
    .from(skus)
    .where(inArray(skus.id, wanted.map((w) => w.skuId)));
  const available = new Map(rows.map((r) => [r.id, r.onSale ? r.stock : 0]));
  const short = wanted
    .map((w) => ({ skuId: w.skuId, name: w.name, requested: w.count, available: available.get(w.skuId) ?? 0 }))
    .filter((l) => l.available < l.requested);
  const message =
    short.length === 0
      ? "Someone else just bought the last units. Please review your cart and try again."
      : short.map((l) => (l.available === 0 ? `${l.name} is sold out.` : `Only ${l.available} left of ${l.name} (you asked for ${l.requested}).`)).join(" ");
  checkoutMetrics.outOfStock++;
  return new AppError("OUT_OF_STOCK", message, { lines: short });
}

/**
 * Places an order from the caller's selected cart lines: one READ COMMITTED transaction that
 * writes the order and its lines, then takes the stock last (the hot row's lock is held for
 * the shortest time), retried whole only on deadlock or lock-wait timeout. Everything or nothing.
 */
export async function placeOrder(req: PlaceOrderRequest, strategy: Strategy = env().CHECKOUT_STRATEGY): Promise<PlaceOrderResult> {
  const earlier = await replay(req);
  if (earlier) return earlier;

  await finishPendingCartCleanups(req.userId);
  const selected = (await readLines(userOwner(req.userId))).filter((l) => l.selected);
  if (selected.length === 0) throw new AppError("EMPTY_CART");
  const address = await getAddress(req.userId, req.addressId);

  const skuRows = new Map((await getSkus(selected.map((l) => l.skuId))).map((s) => [s.skuId, s]));
  // Ascending SKU id: every transaction locks rows in the same order, so carts cannot deadlock.
  const lines = selected
    .map((l) => {
      const sku = skuRows.get(l.skuId);
      return { skuId: l.skuId, count: l.count, name: sku ? `${sku.product} — ${sku.name}` : `SKU ${l.skuId}`, price: sku?.price, onSale: sku?.onSale };
    })
    .sort((a, b) => a.skuId - b.skuId);
  if (lines.some((l) => !l.price || !l.onSale)) throw await outOfStock(lines);

  const freight = toCents(env().FREIGHT);
  const goods = lines.reduce((sum, l) => sum + toCents(l.price!) * l.count, 0);
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
  const lineRows = lines.map((l) => ({ orderId: header.id, skuId: l.skuId, name: l.name, count: l.count, price: l.price! }));

  const maxAttempts = env().CHECKOUT_MAX_ATTEMPTS;
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await getDb().transaction(
        async (tx) => {
          try {
            await tx.insert(orders).values(header);
          } catch (e) {
            // Another request with this key got there first; we waited on its index lock.
            if (sqlErrno(e) === ER_DUP_ENTRY) throw new DuplicateKey();
            throw e;
          }
          await tx.insert(orderLines).values(lineRows);
          await takeStock(strategy, tx, lines, checkoutMetrics);
        },
        { isolationLevel: "read committed" },
      );
      break;
    } catch (e) {
      if (e instanceof DuplicateKey) {
        const first = await replay(req);
        if (first) return first;
        throw new AppError("BUSY", undefined, undefined, 1);
      }
      if (e instanceof ShortStock || STOCK_REFUSALS.has(sqlErrno(e) ?? 0)) throw await outOfStock(lines);
      if (!(e instanceof TooContended) && !RETRYABLE.has(sqlErrno(e) ?? 0)) throw e;
      // The optimistic loop already retried 50 times inside; another round would only add load.
      if (e instanceof TooContended || attempt >= maxAttempts) {
        checkoutMetrics.busy++;
        log.warn({ userId: req.userId, strategy, attempts: attempt, errno: sqlErrno(e) }, "checkout gave up: contention");
        throw new AppError("BUSY", undefined, undefined, 1);
      }
      checkoutMetrics.txRetries++;
      await sleep(Math.random() * 5 * 2 ** attempt);
    }
  }
  checkoutMetrics.orders++;
  log.debug({ orderId: header.id, strategy, ms: Math.round(performance.now() - started) }, "order placed");

  await clearBoughtLines(req.userId, header.id, lines);
  return { order: toOrderView(header, lineRows), created: true };
}
