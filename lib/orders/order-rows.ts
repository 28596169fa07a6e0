import "server-only";
import type { RowDataPacket } from "mysql2";
import { placeholders, type Conn } from "@/db";
import { sqlDatetime } from "@/db/datetime";
import { isDuplicateKey, isMissingOrder } from "@/lib/errors";
import { lineRowsOf, type OrderHeader, type PreparedOrder } from "./draft";
import { DuplicateKey } from "./idempotency";
import { confirmationsOf } from "./mail-outbox";
import { EVENT_ROW, INSERT_EVENTS } from "./events";

/**
 * Writing a batch's orders, in one round trip (a multi-statement query): one INSERT for the
 * headers, one for their confirmation e-mails (lib/orders/mail-outbox.ts), one for the lines,
 * one for their first event (the timeline's "placed", lib/orders/events.ts), then the numbers
 * the database gave the orders. Prebuilt SQL: a batch's rows built through Drizzle cost more CPU
 * than the database spent storing them.
 *
 * A multi-statement query's later statements can run outside the transaction: a Galera abort
 * that rolls it back between two of them is not reported to them, and MariaDB runs the rest in
 * autocommit (the cluster test's race (c) caught an INSERT doing so). So only the first
 * statement may be one that nothing guards (an abort before the query is reported at its start):
 * the headers'. Every later one fails once the batch's orders are gone: the confirmations, lines
 * and events by their foreign keys to `orders`, the numbers' read by finding fewer orders than
 * the batch wrote. That failure is the lost transaction, and the commit runs again (OrdersGone).
 */
// Every column the checkout writes; `Record` over the header's keys, so a new column cannot be forgotten here.
const HEADER_COLUMNS: Record<keyof OrderHeader, string> = {
  id: "id",
  userId: "user_id",
  idempotencyKey: "idempotency_key",
  addressId: "address_id",
  shipName: "ship_name",
  shipEmail: "ship_email",
  shipPhone: "ship_phone",
  shipLine1: "ship_line1",
  shipLine2: "ship_line2",
  shipCity: "ship_city",
  shipRegion: "ship_region",
  shipPostcode: "ship_postcode",
  shipCountry: "ship_country",
  totalCount: "total_count",
  totalAmount: "total_amount",
  freight: "freight",
  payMethod: "pay_method",
  status: "status",
  strategy: "strategy",
  cartRevision: "cart_revision",
  cartCleanupPending: "cart_cleanup_pending",
  createdAt: "created_at",
  updatedAt: "updated_at",
};
const KEYS = Object.keys(HEADER_COLUMNS) as (keyof OrderHeader)[];
const INSERT_ORDERS = `INSERT INTO orders (${KEYS.map((k) => HEADER_COLUMNS[k]).join(", ")}) VALUES `;
const ORDER_ROW = `(${placeholders(KEYS.length)})`;
const INSERT_LINES = "INSERT INTO order_lines (order_id, sku_id, name, count, price) VALUES ";

const cell = <V>(v: V) => (v instanceof Date ? sqlDatetime(v) : v);

const READ_NUMBERS = (n: number) => `SELECT id, order_number FROM orders WHERE id IN (${placeholders(n)})`;

/**
 * Inside the checkout transaction, with each order's confirmation e-mail queued
 * (lib/orders/mail-outbox.ts); gives every order its number. A duplicate idempotency key or cart
 * revision met here (an order written since the lookups) throws DuplicateKey, and the commit runs
 * again. Numbers are read rather than taken from the INSERT: with several rows they need not be
 * consecutive (innodb_autoinc_lock_mode = 2, as Galera needs).
 */
export async function insertOrders(tx: Conn, served: PreparedOrder[]) {
  const lines = served.flatMap(lineRowsOf);
  const ids = served.map((o) => o.header.id);
  const statements = [
    { sql: INSERT_ORDERS + served.map(() => ORDER_ROW).join(", "), values: served.flatMap((o) => KEYS.map((k) => cell(o.header[k]))) },
    confirmationsOf(served),
    { sql: INSERT_LINES + lines.map(() => "(?, ?, ?, ?, ?)").join(", "), values: lines.flatMap((l) => [l.orderId, l.skuId, l.name, l.count, l.price]) },
    { sql: INSERT_EVENTS + served.map(() => EVENT_ROW).join(", "), values: served.flatMap(({ header: h }) => [h.id, h.status, h.userId, sqlDatetime(h.createdAt)]) },
    { sql: READ_NUMBERS(ids.length), values: ids },
  ].filter((s) => s !== null);
  let results: unknown[];
  try {
    [results] = (await tx.query(statements.map((s) => s.sql).join(";\n"), statements.flatMap((s) => s.values))) as unknown as [unknown[]];
  } catch (e) {
    if (isDuplicateKey(e)) throw new DuplicateKey();
    throw ordersGoneOr(e);
  }
  const rows = results.at(-1) as RowDataPacket[];
  if (rows.length !== served.length) throw new OrdersGone();
  const numbers = new Map(rows.map((r) => [String(r.id), Number(r.order_number)]));
  for (const order of served) order.orderNumber = numbers.get(order.header.id)!;
}

/** The batch's transaction was rolled back under it (a Galera abort) mid-query: see insertOrders. */
export class OrdersGone extends Error {
  constructor() {
    super("the batch's orders were rolled back under it");
  }
}

/**
 * A read of one of the batch's orders, for a statement that would not fail by itself if an abort
 * fell before it in its query (a locked read, a COMMIT): sent after it, it finds the order only
 * while the transaction stands, or once it committed.
 */
export const FIND_ORDER = "SELECT 1 FROM orders WHERE id = ?";

/** FIND_ORDER's rows: none means the transaction is gone. */
export function orderFound(rows: unknown) {
  if (!Array.isArray(rows)) throw new Error("FIND_ORDER's rows are not where the caller looked");
  if (rows.length === 0) throw new OrdersGone();
}

/** A later statement of a multi-statement query refused by its foreign key to `orders` is OrdersGone; anything else is itself. */
export const ordersGoneOr = (e: unknown) => (isMissingOrder(e) ? new OrdersGone() : e);
