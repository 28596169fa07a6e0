import type { Order } from "@/db/schema";
import { guestOwner, userOwner, type Line, type Owner } from "@/lib/cart/store";
import type { ShipTo } from "./address-schema";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { fitsMoneyColumn, formatMoney, maxCents, toCents, toDecimal, type Cents } from "@/lib/money";
import { newOrderId } from "./order-id";
import type { PlaceOrderInput } from "./schemas";
import type { Strategy } from "./stock";

/**
 * A signed-in checkout names a saved address; a guest's carries the address it typed and its
 * cart's id. Either way `userId` is the order's owner: a guest's is its cart's shadow owner
 * (lib/orders/guests.ts), so every guarantee keyed on the user holds for guests too.
 */
export type PlaceOrderRequest = Omit<PlaceOrderInput, "addressId"> & {
  userId: number;
  idempotencyKey: string;
  /** Waiting-room passes the shopper carries (lib/drops/queue-checkout.ts); a queued SKU is bought only with one. */
  queuePasses?: readonly string[];
} & (
    | { addressId: number; guest?: undefined }
    | { addressId?: undefined; guest: { guestId: string; shipTo: ShipTo } }
  );

/** The cart a checkout buys from: the user's, or the guest cookie's. */
export const cartOwnerOf = (req: PlaceOrderRequest): Owner => (req.guest ? guestOwner(req.guest.guestId) : userOwner(req.userId));

/** What one checkout asks to commit: the request, and the selected cart lines with the revision they were read at. */
export type Draft = { req: PlaceOrderRequest; lines: Line[]; cartRevision: string };

export type NamedLine = Line & { name: string };
export type PricedLine = NamedLine & { price: string };
/** An order ready to write: header and lines computed, nothing written yet. */
/** `orderNumber`: given by the database, read back by the transaction that inserts the order (lib/orders/order-rows.ts). */
export type PreparedOrder = { header: OrderHeader; lines: PricedLine[]; orderNumber?: number };
/** An order row as the checkout writes it: the database numbers it (orders.order_number). */
export type OrderHeader = Omit<Order, "orderNumber" | "carrier" | "trackingNumber">;

/** An order's money, in cents: the goods (each line's unit price times its count), freight, and their sum. */
export function orderAmounts(lines: { price: string; count: number }[], freight: Cents = toCents(env().FREIGHT)) {
  const goods = lines.reduce((sum, l) => sum + toCents(l.price) * l.count, 0);
  return { goods, freight, total: goods + freight };
}

/**
 * ORDER_TOO_LARGE when an amount the order would write outgrows its column (lib/money.ts): a unit
 * price (order_lines.price), the freight, or, the one a real cart can reach, the total
 * (99 units of two SKUs at the highest price already pass DECIMAL(12,2)). Asked before the
 * checkout's transaction, so a refused order writes nothing; null when the order fits.
 */
export function orderTooLargeError(lines: { price: string; count: number }[], freight?: Cents): AppError | null {
  const { total, freight: f } = orderAmounts(lines, freight);
  if (lines.every((l) => fitsMoneyColumn(toCents(l.price), "price")) && fitsMoneyColumn(f, "freight") && fitsMoneyColumn(total, "total")) return null;
  const max = maxCents("total");
  const comesTo = Number.isSafeInteger(total) ? `This order comes to ${formatMoney(total)}, more than` : "This order comes to more than";
  return new AppError("ORDER_TOO_LARGE", {
    message: `${comesTo} the ${formatMoney(max)} one order can hold. Please split it into smaller orders.`,
    details: { maxTotal: toDecimal(max), ...(Number.isSafeInteger(total) ? { total: toDecimal(total) } : {}) },
  });
}

/** The order row for a draft: ship-to copied from the address (a snapshot), totals from the price snapshots. */
export function prepareOrder(draft: Draft, shipTo: ShipTo, lines: PricedLine[], strategy: Strategy): PreparedOrder {
  const { req } = draft;
  const { freight, total } = orderAmounts(lines);
  const now = new Date();
  const header: OrderHeader = {
    id: newOrderId(now.getTime()),
    userId: req.userId,
    idempotencyKey: req.idempotencyKey,
    addressId: req.addressId ?? null,
    ...shipColumns(shipTo),
    totalCount: lines.reduce((n, l) => n + l.count, 0),
    totalAmount: toDecimal(total),
    freight: toDecimal(freight),
    payMethod: req.payMethod,
    status: req.payMethod === "online" ? "unpaid" : "awaiting_shipment",
    strategy,
    cartRevision: draft.cartRevision,
    cartCleanupPending: true,
    createdAt: now,
    updatedAt: now,
  };
  return { header, lines };
}

export function outOfStockError(wanted: NamedLine[], available: Map<number, number>): AppError {
  const short = wanted
    .map((w) => ({ skuId: w.skuId, name: w.name, requested: w.count, available: available.get(w.skuId) ?? 0 }))
    .filter((l) => l.available < l.requested);
  const message =
    short.length === 0
      ? "Someone else just bought the last units. Please review your cart and try again."
      : short.map((l) => (l.available === 0 ? `${l.name} is sold out.` : `Only ${l.available} left of ${l.name} (you asked for ${l.requested}).`)).join(" ");
  return new AppError("OUT_OF_STOCK", { message, details: { lines: short } });
}

export const lineRowsOf = ({ header, lines }: PreparedOrder) =>
  lines.map((l) => ({ orderId: header.id, skuId: l.skuId, name: l.name, count: l.count, price: l.price }));

/** An address as the order row's ship_* columns. */
export const shipColumns = (a: ShipTo) => ({
  shipName: a.name,
  shipEmail: a.email,
  shipPhone: a.phone,
  shipLine1: a.line1,
  shipLine2: a.line2,
  shipCity: a.city,
  shipRegion: a.region,
  shipPostcode: a.postcode,
  shipCountry: a.country,
});
