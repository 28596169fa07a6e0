import "server-only";
import type { ResultSetHeader, RowDataPacket } from "mysql2";
import { getPool, placeholders, type Conn } from "@/db";
import { isDuplicateKey } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { lineRowsOf, type OrderHeader, type PreparedOrder } from "./draft";
import { DuplicateKey } from "./idempotency";
import { confirmationsInsert } from "./mail-outbox";
import { EVENT_ROW, INSERT_EVENTS } from "./events";

/**
 * Writing a batch's orders: the headers, the lines, their first event (the timeline's "placed",
 * lib/orders/events.ts) and their confirmation e-mails, as one multi-statement query of
 * prebuilt SQL: one round trip whatever the batch holds (a batch's rows built through Drizzle
 * cost more CPU than the database spent storing them, and each further round trip cost both
 * processes a socket write and read).
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
 * order written since the lookups) throws DuplicateKey, and the commit runs again: the headers
 * go first, so MariaDB stops there and runs none of the statements after. A lone order
 * learns its number from the INSERT itself; a batch reads its numbers back at the end of the
 * same query (no round trip of their own), and readOrderNumbers finds any still unknown.
 */
export async function insertOrders(tx: Conn, served: PreparedOrder[]) {
  const lines = served.flatMap(lineRowsOf);
  const mail = confirmationsInsert(served);
  const sql = [
    INSERT_ORDERS + served.map(() => ORDER_ROW).join(", "),
    INSERT_LINES + lines.map(() => "(?, ?, ?, ?, ?)").join(", "),
    INSERT_EVENTS + served.map(() => EVENT_ROW).join(", "),
    ...(mail ? [mail.sql] : []),
    ...(served.length > 1 ? [`SELECT id, order_number FROM orders WHERE id IN (${placeholders(served.length)})`] : []),
  ].join(";\n");
  const values = [
    ...served.flatMap((o) => KEYS.map((k) => o.header[k])),
    ...lines.flatMap((l) => [l.orderId, l.skuId, l.name, l.count, l.price]),
    ...served.flatMap(({ header: h }) => [h.id, h.status, h.userId, h.createdAt]),
    ...(mail?.values ?? []),
    ...(served.length > 1 ? served.map((o) => o.header.id) : []),
  ];
  // One result per statement: a header for each INSERT, rows for the numbers' SELECT.
  let results: ResultSetHeader[];
  try {
    [results] = await tx.query<ResultSetHeader[]>(sql, values);
  } catch (e) {
    if (isDuplicateKey(e)) throw new DuplicateKey();
    throw e;
  }
  // With one row, the AUTO_INCREMENT value is that row's on MySQL and MariaDB whatever
  // innodb_autoinc_lock_mode says; with several it need not be consecutive (mode 2, Galera).
  if (served.length === 1) {
    served[0]!.orderNumber = results[0]!.insertId;
    return;
  }
  const numbers = new Map((results.at(-1) as unknown as RowDataPacket[]).map((r) => [String(r.id), Number(r.order_number)]));
  for (const order of served) order.orderNumber = numbers.get(order.header.id);
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
