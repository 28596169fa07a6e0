import "server-only";
import type { RowDataPacket } from "mysql2";
import type { Pool } from "mysql2/promise";
import { placeholders, type Conn } from "@/db";
import { AppError } from "@/lib/errors";
import { accountRequiredMessage, limitLabel, overLimitMessage } from "./limit-message";

/**
 * Per-customer limits. What a customer holds of a SKU is derived, never counted: the units in
 * their orders that are not cancelled. So a cancel or an expiry gives the allowance back in its
 * own transaction, exactly once (its status move happens once), and a limit set later counts
 * the orders placed before it.
 *
 * A checkout that buys a limited SKU first bumps its customer's `users.limit_seq`: a write, so
 * two checkouts of one customer run one after the other (on Galera the second fails
 * certification and is retried), and the second reads the first's order. Customers are locked
 * before any SKU row, in every transaction that takes both, so checkouts never wait in a cycle.
 */

export type LimitLine = { skuId: number; name: string; limit: number; alreadyBought: number; requested: number };

const key = (userId: number, skuId: number) => `${userId}:${skuId}`;

/**
 * Units each (customer, SKU) pair holds in orders that are not cancelled, keyed `userId:skuId`.
 * Prebuilt SQL: it also runs inside every checkout transaction that buys a limited SKU.
 */
export async function unitsHeld(on: Pool | Conn, userIds: number[], skuIds: number[]): Promise<Map<string, number>> {
  if (userIds.length === 0 || skuIds.length === 0) return new Map();
  const [rows] = await on.query<RowDataPacket[]>(
    `SELECT o.user_id, l.sku_id, SUM(l.count) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id
     WHERE o.user_id IN (${placeholders(userIds.length)}) AND o.status <> 'cancelled' AND l.sku_id IN (${placeholders(skuIds.length)})
     GROUP BY o.user_id, l.sku_id`,
    [...userIds, ...skuIds],
  );
  return new Map(rows.map((r) => [key(Number(r.user_id), Number(r.sku_id)), Number(r.units)]));
}

export const heldOf = (held: Map<string, number>, userId: number, skuId: number) => held.get(key(userId, skuId)) ?? 0;

export const addHeld = (held: Map<string, number>, userId: number, skuId: number, units: number) => held.set(key(userId, skuId), heldOf(held, userId, skuId) + units);

/** Inside a checkout transaction: serialises these customers' limited checkouts, then reads what they hold. */
export async function lockCustomersAndReadHeld(tx: Conn, userIds: number[], skuIds: number[]): Promise<Map<string, number>> {
  const customers = [...new Set(userIds)].sort((a, b) => a - b);
  await tx.query(`UPDATE users SET limit_seq = limit_seq + 1 WHERE id IN (${placeholders(customers.length)}) ORDER BY id`, customers);
  return unitsHeld(tx, customers, skuIds);
}

/** The lines that would take their customer past a limit (none when every line fits). */
export function overLimit(lines: { skuId: number; name: string; count: number; limit: number | null }[], held: (skuId: number) => number): LimitLine[] {
  return lines
    .filter((l) => l.limit !== null && held(l.skuId) + l.count > l.limit)
    .map((l) => ({ skuId: l.skuId, name: l.name, limit: l.limit!, alreadyBought: held(l.skuId), requested: l.count }));
}

export function purchaseLimitError(lines: LimitLine[]): AppError {
  const message = lines
    .map(({ name, limit, alreadyBought, requested }) => overLimitMessage({ limit, name, alreadyBought, asked: `you asked for ${requested}` }))
    .join(" ");
  return new AppError("PURCHASE_LIMIT_REACHED", { message, details: { lines } });
}

/** Adding `adding` units to a cart line of `inCart` would pass the limit: refused before checkout, with the same code. */
export function cartLimitError(l: { skuId: number; name: string; limit: number; alreadyBought: number; inCart: number; adding: number }): AppError {
  const left = Math.max(0, l.limit - l.alreadyBought - l.inCart);
  const have = [l.alreadyBought > 0 && `${l.alreadyBought} in your orders`, l.inCart > 0 && `${l.inCart} in your cart`].filter(Boolean).join(" and ");
  const message =
    limitLabel(l.limit, l.name) +
    (have ? ` — you already have ${have}` : "") +
    (left > 0 ? `, so you can add ${left} more.` : have ? "." : ` — you asked for ${l.adding}.`);
  return new AppError("PURCHASE_LIMIT_REACHED", {
    message,
    details: { lines: [{ skuId: l.skuId, name: l.name, limit: l.limit, alreadyBought: l.alreadyBought, requested: l.inCart + l.adding }] },
  });
}

/**
 * A guest's order with a limited SKU: limits count per account, and a guest could come back with
 * a new e-mail address for every order, so a limited SKU is only sold to a signed-in customer.
 */
export function accountRequiredError(lines: { skuId: number; name: string; limit: number }[]): AppError {
  return new AppError("ACCOUNT_REQUIRED", { message: lines.map((l) => accountRequiredMessage(l.name, l.limit)).join(" "), details: { lines } });
}
