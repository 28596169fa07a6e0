import "server-only";
import { and, eq, gte, inArray, like, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders, skus, users } from "@/db/schema";
import { parseOrderNumber } from "@/lib/orders/number";
import { orderIdSchema } from "@/lib/orders/schemas";
import type { OrderCursor } from "./order-cursor";
import type { OrderListFilter } from "./order-schemas";

/**
 * What the orders room's search box matches, in one place:
 * - an order number ("SR-7K3F92", any case) or an order id: that one order, by its unique index;
 * - else a customer (username, from its start, on the users' unique index), or a line's SKU code
 *   (exact) or its name as sold ("Product — Variant", anywhere in it).
 * The customer's e-mail: when orders carry one (the ship-to snapshot of guest checkout), add its
 * column to `customerMatches`, and nothing else changes.
 */
export function searchCondition(q: string | undefined): SQL | undefined {
  const term = q?.trim();
  if (!term) return undefined;
  const number = parseOrderNumber(term);
  if (number !== null) return eq(orders.orderNumber, number);
  if (orderIdSchema.safeParse(term.toUpperCase()).success) return eq(orders.id, term.toUpperCase());
  // Shaped like an order number but naming none: nothing else would match it either.
  if (/^SR-[0-9A-Z]*$/i.test(term)) return sql`FALSE`;
  return or(customerMatches(term), lineMatches(term));
}

/** `%`, `_` and `\` typed into the box are literal. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function customerMatches(term: string): SQL {
  const customers = getDb().select({ id: users.id }).from(users).where(like(users.username, `${escapeLike(term)}%`));
  return inArray(orders.userId, customers);
}

function lineMatches(term: string): SQL {
  const byCode = getDb().select({ id: skus.id }).from(skus).where(eq(skus.code, term));
  const lines = getDb()
    .select({ orderId: orderLines.orderId })
    .from(orderLines)
    .where(or(like(orderLines.name, `%${escapeLike(term)}%`), inArray(orderLines.skuId, byCode)));
  return inArray(orders.id, lines);
}

/** Newest first on (created_at, id): the orders strictly after `cursor` in that order. */
export const afterCursor = (c: OrderCursor): SQL => or(lt(orders.createdAt, c.createdAt), and(eq(orders.createdAt, c.createdAt), lt(orders.id, c.id)))!;

/** Every condition of a list request. */
export function listConditions({ q, status, from, to, cursor }: Omit<OrderListFilter, "limit">): SQL | undefined {
  return and(
    searchCondition(q),
    status ? eq(orders.status, status) : undefined,
    from ? gte(orders.createdAt, from) : undefined,
    to ? lte(orders.createdAt, to) : undefined,
    cursor ? afterCursor(cursor) : undefined,
  );
}
