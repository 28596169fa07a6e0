import "server-only";
import type { ResultSetHeader, RowDataPacket } from "mysql2";
import { count, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { skus, spus, stockAlertCounts, stockAlerts, users } from "@/db/schema";
import { lineName } from "@/lib/catalog/product-name";
import { AppError } from "@/lib/errors";
import { hit, throttleKey } from "@/lib/platform/rate-limit";
import type { SubscribeInput } from "./schemas";
import { alertIdOf } from "./token";

/** Subscriptions one client address, and one e-mail, may make in an hour. */
export const SUBSCRIBE_LIMIT = { address: 30, email: 10 } as const;
const WINDOW_SECONDS = 3600;

export type AlertView = { skuId: number; email: string };
export type AlertCounts = { skuId: number; waiting: number; notified: number };

async function throttle(what: "address" | "email", value: string) {
  const { count, ttl } = await hit(throttleKey(`stock-alert:${what}:${value.replace(/[{}\s]/g, "_")}`), WINDOW_SECONDS);
  if (count > SUBSCRIBE_LIMIT[what]) {
    throw new AppError("TOO_MANY_ATTEMPTS", { message: "Too many alerts asked for in an hour. Please try again later.", retryAfter: ttl });
  }
}

/** The e-mail to notify: the one given, else the signed-in shopper's own; a guest must give one. */
async function recipientOf(email: string | undefined, userId: number | null): Promise<string> {
  if (email) return email;
  const [row] = userId === null ? [] : await getDb().select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  if (row?.email) return row.email;
  throw new AppError("VALIDATION", {
    message: "Enter the e-mail address to notify.",
    details: { fieldErrors: { email: ["Enter an e-mail address like name@example.com."] } },
  });
}

/**
 * "Notify me when it's back" for a sold-out variant: one row per (variant, e-mail), `created`
 * false when that e-mail already waits. Reads the SKU under a shared lock so a restock (which
 * holds it exclusively while it notifies) either ran before, and this answers NOT_SOLD_OUT, or
 * runs after and finds this row: nobody subscribes into the gap between. A variant shoppers
 * cannot see (unknown, draft, archived) is SKU_NOT_FOUND.
 */
export async function subscribe(input: SubscribeInput & { userId: number | null; clientIp: string | null }): Promise<{ alert: AlertView; created: boolean }> {
  const { skuId, userId, clientIp } = input;
  if (clientIp) await throttle("address", clientIp);
  const email = await recipientOf(input.email, userId);
  await throttle("email", email);
  const created = await getDb().transaction(
    async (tx) => {
      const [rows] = (await tx.execute(sql`SELECT stock, product_active FROM skus WHERE id = ${skuId} LOCK IN SHARE MODE`)) as unknown as [RowDataPacket[]];
      const sku = rows[0];
      if (!sku || !sku.product_active) throw new AppError("SKU_NOT_FOUND");
      if (Number(sku.stock) > 0) throw new AppError("NOT_SOLD_OUT");
      const [res] = (await tx.execute(sql`INSERT IGNORE INTO stock_alerts (sku_id, email, user_id) VALUES (${skuId}, ${email}, ${userId})`)) as unknown as [ResultSetHeader];
      return res.affectedRows === 1;
    },
    { isolationLevel: "read committed" },
  );
  return { alert: { skuId, email }, created };
}

/** Ends the subscription a signed link names. A link already used (or whose alert was sent) deletes nothing; a forged one is STOCK_ALERT_NOT_FOUND. */
export async function unsubscribe(token: string): Promise<void> {
  const id = alertIdOf(token);
  if (id === null) throw new AppError("STOCK_ALERT_NOT_FOUND");
  await getDb().delete(stockAlerts).where(eq(stockAlerts.id, id));
}

/** What the unsubscribe page shows before its button: the subscription a valid link names, null once it is gone. */
export async function alertByToken(token: string): Promise<{ skuId: number; spuId: number; name: string; email: string } | null> {
  const id = alertIdOf(token);
  if (id === null) throw new AppError("STOCK_ALERT_NOT_FOUND");
  const [row] = await getDb()
    .select({ skuId: stockAlerts.skuId, email: stockAlerts.email, spuId: skus.spuId, name: skus.name, product: spus.name })
    .from(stockAlerts)
    .innerJoin(skus, eq(skus.id, stockAlerts.skuId))
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .where(eq(stockAlerts.id, id))
    .limit(1);
  return row ? { skuId: row.skuId, spuId: row.spuId, email: row.email, name: lineName(row.skuId, row) } : null;
}

/**
 * Per variant: subscribers still waiting, and back-in-stock e-mails queued for it so far (each
 * one a subscriber served by a restock). One variant (SKU_NOT_FOUND if unknown), or every
 * variant that has either.
 */
export async function alertCounts(skuId?: number): Promise<AlertCounts[]> {
  if (skuId === undefined) return countsOf();
  const [sku] = await getDb().select({ id: skus.id }).from(skus).where(eq(skus.id, skuId)).limit(1);
  if (!sku) throw new AppError("SKU_NOT_FOUND");
  return countsOf([skuId]);
}

/** The console's variant panels: each of these variants' counts, zeros included. */
export const alertCountsOf = (skuIds: number[]) => (skuIds.length === 0 ? Promise.resolve([]) : countsOf(skuIds));

async function countsOf(skuIds?: number[]): Promise<AlertCounts[]> {
  const [waiting, notified] = await Promise.all([
    getDb()
      .select({ skuId: stockAlerts.skuId, n: count() })
      .from(stockAlerts)
      .where(skuIds ? inArray(stockAlerts.skuId, skuIds) : undefined)
      .groupBy(stockAlerts.skuId),
    getDb()
      .select({ skuId: stockAlertCounts.skuId, n: stockAlertCounts.notified })
      .from(stockAlertCounts)
      .where(skuIds ? inArray(stockAlertCounts.skuId, skuIds) : undefined),
  ]);
  const bySku = new Map<number, AlertCounts>();
  const at = (id: number) => bySku.get(id) ?? bySku.set(id, { skuId: id, waiting: 0, notified: 0 }).get(id)!;
  for (const id of skuIds ?? []) at(id);
  for (const w of waiting) at(w.skuId).waiting = w.n;
  for (const n of notified) at(n.skuId).notified = n.n;
  return [...bySku.values()].sort((a, b) => a.skuId - b.skuId);
}
