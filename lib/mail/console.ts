import "server-only";
import { desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { mailOutbox, orders, type MailKind, type MailState, type MailOutboxRow } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { formatOrderNumber } from "@/lib/orders/number";
import { orderIdSchema } from "@/lib/orders/schemas";

/** An outbox row as the console shows it. */
export type EmailView = {
  id: number;
  kind: MailKind;
  orderId: string | null;
  /** "SR-7K3F92", or "" without an order. */
  orderNumber: string;
  recipient: string;
  state: MailState;
  attempts: number;
  /** The last attempt's error, the reason it failed, or the note that no SMTP server is configured. */
  lastError: string | null;
  sentAt: string | null;
  nextAttemptAt: string;
  createdAt: string;
};

const toView = (r: MailOutboxRow, orderNumber: number | null | undefined): EmailView => ({
  id: r.id,
  kind: r.kind,
  orderId: r.orderId,
  orderNumber: orderNumber ? formatOrderNumber(orderNumber) : "",
  recipient: r.recipient,
  state: r.state,
  attempts: r.attempts,
  lastError: r.lastError,
  sentAt: r.sentAt?.toISOString() ?? null,
  nextAttemptAt: r.nextAttemptAt.toISOString(),
  createdAt: r.createdAt.toISOString(),
});

async function withNumbers(rows: MailOutboxRow[]): Promise<EmailView[]> {
  const ids = [...new Set(rows.flatMap((r) => (r.orderId ? [r.orderId] : [])))];
  const numbers = ids.length === 0 ? [] : await getDb().select({ id: orders.id, n: orders.orderNumber }).from(orders).where(inArray(orders.id, ids));
  const byId = new Map(numbers.map((o) => [o.id, o.n]));
  return rows.map((r) => toView(r, r.orderId ? byId.get(r.orderId) : null));
}

/** Every e-mail of one order, oldest first; ORDER_NOT_FOUND for an unknown order. */
export async function emailsOfOrder(orderId: string): Promise<EmailView[]> {
  if (!orderIdSchema.safeParse(orderId).success) throw new AppError("ORDER_NOT_FOUND");
  const [order] = await getDb().select({ n: orders.orderNumber }).from(orders).where(eq(orders.id, orderId)).limit(1);
  if (!order) throw new AppError("ORDER_NOT_FOUND");
  const rows = await getDb().select().from(mailOutbox).where(eq(mailOutbox.orderId, orderId)).orderBy(mailOutbox.id);
  return rows.map((r) => toView(r, order.n));
}

export const emailListSchema = z.object({
  state: z.enum(["pending", "sending", "sent", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The newest e-mails, optionally of one state (the console's failed list). */
export async function recentEmails({ state, limit = 50 }: { state?: MailState; limit?: number } = {}): Promise<EmailView[]> {
  const rows = await getDb()
    .select()
    .from(mailOutbox)
    .where(state ? eq(mailOutbox.state, state) : undefined)
    .orderBy(desc(mailOutbox.id))
    .limit(limit);
  return withNumbers(rows);
}

/**
 * Sends an e-mail again: a NEW outbox row (kind, order or variant and recipient copied; its own Message-ID),
 * never a reset of the old one, whose history stays as it was. EMAIL_NOT_FOUND for an unknown id.
 */
export async function resendEmail(id: number): Promise<EmailView> {
  const created = await getDb().transaction(async (tx) => {
    const [old] = await tx.select().from(mailOutbox).where(eq(mailOutbox.id, id)).limit(1);
    if (!old) throw new AppError("EMAIL_NOT_FOUND");
    const [made] = await tx.insert(mailOutbox).values({ kind: old.kind, orderId: old.orderId, skuId: old.skuId, alertId: old.alertId, recipient: old.recipient }).$returningId();
    const [row] = await tx.select().from(mailOutbox).where(eq(mailOutbox.id, made!.id)).limit(1);
    return row!;
  });
  const [view] = await withNumbers([created]);
  return view!;
}

/** How many e-mails are in each state (the room's summary; the state index answers it). */
export async function emailCounts(): Promise<Record<MailState, number>> {
  const counts: Record<MailState, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
  const rows = await getDb().select({ state: mailOutbox.state, n: sql<number>`COUNT(*)` }).from(mailOutbox).groupBy(mailOutbox.state);
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}
