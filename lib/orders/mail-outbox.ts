import "server-only";
import { sql } from "drizzle-orm";
import { affectedRows, type Db, type Tx } from "@/db";
import type { MailKind } from "@/db/schema";
import { nudge } from "@/lib/platform/nudge";
import type { PreparedOrder } from "./draft";

/**
 * The e-mails an order's events cause, queued in the event's own transaction (the outbox,
 * `mail_outbox`; lib/mail/relay.ts sends them). Nothing is rendered here: a row names its kind,
 * its order and its recipient, and the relay renders it at send time. The recipient is the
 * order's snapshot e-mail (`orders.ship_email`); an order without one (placed before addresses
 * carried an e-mail) gets no row.
 */

/**
 * The checkout's hot path: one multi-row INSERT of a batch's confirmations, for insertOrders to
 * send with the batch's other rows (lib/orders/order-rows.ts), or null when no order has an e-mail.
 */
export function confirmationsOf(served: PreparedOrder[]) {
  const mailed = served.filter((o) => o.header.shipEmail !== "");
  if (mailed.length === 0) return null;
  return {
    sql: "INSERT INTO mail_outbox (kind, order_id, recipient) VALUES " + mailed.map(() => "('order_created', ?, ?)").join(", "),
    values: mailed.flatMap((o) => [o.header.id, o.header.shipEmail]),
  };
}

/** One e-mail about one order, to its snapshot address, inside the caller's transaction (the status move's); false when the order has no address to write to. */
export async function queueOrderMail(tx: Db | Tx, orderId: string, kind: MailKind): Promise<boolean> {
  return affectedRows(await tx.execute(sql`INSERT INTO mail_outbox (kind, order_id, recipient) SELECT ${kind}, id, ship_email FROM orders WHERE id = ${orderId} AND ship_email <> ''`)) === 1;
}

/** The nudge topic this process's mail relay listens on (lib/platform/nudge.ts). */
export const MAIL_QUEUED = "mail-queued";

/** After a commit that queued e-mails: this process's relay sends them now rather than at its next poll. */
export const mailQueued = () => nudge(MAIL_QUEUED);
