import "server-only";
import { and, eq, gte, inArray, like, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders, skus, spus, users } from "@/db/schema";
import { parseOrderNumber } from "@/lib/orders/number";
import { orderIdSchema } from "@/lib/orders/schemas";
import type { OrderCursor } from "./order-cursor";
import type { OrderListFilter } from "./order-schemas";

/**
 * What the orders room's search box matches, in one place:
 * - an order number ("SR-7K3F92", any case) or an order id: that one order, by its unique index;
 * - else a customer (username, from its start, on the users' unique index) or a product
 *   ("Product — Variant" as the catalog names it now, anywhere in it, or a SKU code exactly).
 * Customers and SKUs are looked up first (small tables), then orders by their ids on
 * `orders_user_created_idx` and `order_lines_sku_idx`: no scan of the orders or their lines, which
 * a LIKE over 100,000 order lines would be. An e-mail (anything with an "@") matches the
 * account's e-mail and the e-mail each order was shipped to (a guest's too), both indexed.
 */
export async function searchCondition(q: string | undefined): Promise<SQL | undefined> {
  const term = q?.trim();
  if (!term) return undefined;
  const number = parseOrderNumber(term);
  if (number !== null) return eq(orders.orderNumber, number);
  if (orderIdSchema.safeParse(term.toUpperCase()).success) return eq(orders.id, term.toUpperCase());
  // Shaped like an order number but naming none: nothing else would match it either.
  if (/^SR-[0-9A-Z]*$/i.test(term)) return sql`FALSE`;
  if (term.includes("@")) {
    const email = term.toLowerCase();
    const accounts = await getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).limit(MATCH_CAP);
    return or(eq(orders.shipEmail, email), accounts.length ? inArray(orders.userId, accounts.map((a) => a.id)) : undefined);
  }
  const [customers, skuIds] = await Promise.all([customerIds(term), productSkuIds(term)]);
  const either = [
    customers.length ? inArray(orders.userId, customers) : undefined,
    skuIds.length ? inArray(orders.id, getDb().select({ orderId: orderLines.orderId }).from(orderLines).where(inArray(orderLines.skuId, skuIds))) : undefined,
  ].filter((c) => c !== undefined);
  return either.length ? or(...either) : sql`FALSE`;
}

/** A search matching more customers or SKUs than this looks at the first ones only (a one-letter search). */
const MATCH_CAP = 1_000;

/** `%`, `_` and `\` typed into the box are literal. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

async function customerIds(term: string): Promise<number[]> {
  const rows = await getDb().select({ id: users.id }).from(users).where(like(users.username, `${escapeLike(term)}%`)).limit(MATCH_CAP);
  return rows.map((r) => r.id);
}

async function productSkuIds(term: string): Promise<number[]> {
  const rows = await getDb()
    .select({ id: skus.id })
    .from(skus)
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .where(or(eq(skus.code, term), like(sql`CONCAT(${spus.name}, ' — ', ${skus.name})`, `%${escapeLike(term)}%`)))
    .limit(MATCH_CAP);
  return rows.map((r) => r.id);
}

/** Newest first on (created_at, id): the orders strictly after `cursor` in that order. */
export const afterCursor = (c: OrderCursor): SQL => or(lt(orders.createdAt, c.createdAt), and(eq(orders.createdAt, c.createdAt), lt(orders.id, c.id)))!;

/** Every condition of a list request. */
export async function listConditions({ q, status, from, to, cursor }: Omit<OrderListFilter, "limit">): Promise<SQL | undefined> {
  return and(
    await searchCondition(q),
    status ? eq(orders.status, status) : undefined,
    from ? gte(orders.createdAt, from) : undefined,
    to ? lte(orders.createdAt, to) : undefined,
    cursor ? afterCursor(cursor) : undefined,
  );
}
