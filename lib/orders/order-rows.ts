import "server-only";
import type { ResultSetHeader, RowDataPacket } from "mysql2";
import { getPool, placeholders, type Conn } from "@/db";
import { isDuplicateKey, isMissingOrder } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { lineRowsOf, type OrderHeader, type PreparedOrder } from "./draft";
import { DuplicateKey } from "./idempotency";
import { confirmationsOf } from "./mail-outbox";
import { EVENT_ROW, INSERT_EVENTS } from "./events";

/**
 * Writing a batch's orders: one INSERT for the headers; then, in one round trip (a multi-statement
 * query), one for their confirmation e-mails (lib/orders/mail-outbox.ts), one for the lines and
 * one for their first event (the timeline's "placed", lib/orders/events.ts). Prebuilt SQL: a
 * batch's rows built through Drizzle cost more CPU than the database spent storing them.
 *
 * A multi-statement query's later statements can run outside the transaction: a Galera abort
 * that rolls it back between two of them is not reported to them, and MariaDB runs the rest in
 * autocommit (the cluster test's race (c) caught an INSERT doing so). So only the first
 * statement may be one that nothing guards (an abort before the query is reported at its
 * start): the outbox's, whose table has no foreign key. The lines and the events follow it, and
 * their foreign keys to `orders` refuse them once the batch's orders are gone; that refusal is
 * the lost transaction, and the commit runs again (OrdersGone).
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

/**
 * Inside the checkout transaction, with each order's confirmation e-mail queued (lib/orders/mail-outbox.ts). A duplicate idempotency key or cart revision met here (an
 * order written since the lookups) throws DuplicateKey, and the commit runs again. A lone order
 * learns its number from the INSERT itself; a batch's are read after the commit (readOrderNumbers).
 */
export async function insertOrders(tx: Conn, served: PreparedOrder[]) {
  let result: ResultSetHeader;
  try {
    [result] = await tx.query<ResultSetHeader>(INSERT_ORDERS + served.map(() => ORDER_ROW).join(", "), served.flatMap((o) => KEYS.map((k) => o.header[k])));
  } catch (e) {
    if (isDuplicateKey(e)) throw new DuplicateKey();
    throw e;
  }
  // With one row, the AUTO_INCREMENT value is that row's on MySQL and MariaDB whatever
  // innodb_autoinc_lock_mode says; with several it need not be consecutive (mode 2, Galera).
  if (served.length === 1) served[0]!.orderNumber = result.insertId;
  const lines = served.flatMap(lineRowsOf);
  const rest = [
    confirmationsOf(served),
    { sql: INSERT_LINES + lines.map(() => "(?, ?, ?, ?, ?)").join(", "), values: lines.flatMap((l) => [l.orderId, l.skuId, l.name, l.count, l.price]) },
    { sql: INSERT_EVENTS + served.map(() => EVENT_ROW).join(", "), values: served.flatMap(({ header: h }) => [h.id, h.status, h.userId, h.createdAt]) },
  ].filter((s) => s !== null);
  try {
    await tx.query(rest.map((s) => s.sql).join(";\n"), rest.flatMap((s) => s.values));
  } catch (e) {
    if (isMissingOrder(e)) throw new OrdersGone();
    throw e;
  }
}

/** The batch's transaction was rolled back under it (a Galera abort) mid-query: see insertOrders. */
export class OrdersGone extends Error {
  constructor() {
    super("the batch's orders were rolled back under it");
  }
}

/**
 * The numbers the database gave committed orders that do not know theirs yet, in one read. Never
 * throws: a failed read leaves them unknown (null); the orders stand, and their pages show the number.
 */
export async function readOrderNumbers(created: PreparedOrder[]) {
  const unknown = created.filter((o) => o.orderNumber === undefined);
  if (unknown.length === 0) return;
  const numbers = new Map<string, number>();
  try {
    const ids = unknown.map((o) => o.header.id);
    const [rows] = await getPool().query<RowDataPacket[]>(`SELECT id, order_number FROM orders WHERE id IN (${placeholders(ids.length)})`, ids);
    for (const r of rows) numbers.set(String(r.id), Number(r.order_number));
  } catch (err) {
    log.warn({ err }, "could not read the new orders' numbers");
  }
  for (const order of unknown) order.orderNumber = numbers.get(order.header.id) ?? null;
}
