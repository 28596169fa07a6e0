import "server-only";
import { eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { orders, skus, spus, users } from "@/db/schema";
import { alertToken } from "@/lib/alerts/token";
import { lineName } from "@/lib/catalog/product-name";
import { ordersWithLines, type OrderView } from "@/lib/orders/queries";
import { orderLinkPath } from "@/lib/orders/order-link";
import { env } from "@/lib/platform/env";
import type { OrderMailKind } from "./templates/copy";

/** What an order e-mail shows: the order as the shopper's page shows it, and the absolute link to that page. */
export type OrderMail = { kind: OrderMailKind; order: OrderView; link: string };

/** What a back-in-stock e-mail shows: the variant's name, the product's page, and the link that ends the subscription. */
export type BackInStockMail = { name: string; link: string; unsubscribeLink: string };

/**
 * The orders a relay pass's rows are about, read at send time (a row stores only the order's
 * id), in three queries whatever the batch. A guest's order links with its signed token
 * (lib/orders/order-link.ts), a shopper's to the plain page, which asks them to sign in. An
 * order that is gone is missing from the map.
 */
export async function loadOrders(orderIds: string[]): Promise<Map<string, { order: OrderView; link: string }>> {
  const found = new Map<string, { order: OrderView; link: string }>();
  if (orderIds.length === 0) return found;
  const rows = await getDb().select().from(orders).where(inArray(orders.id, orderIds));
  if (rows.length === 0) return found;
  const views = await ordersWithLines(rows);
  const owners = await getDb().select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, [...new Set(rows.map((o) => o.userId))]));
  const guests = new Set(owners.filter((u) => u.role === "guest").map((u) => u.id));
  for (const [i, row] of rows.entries()) {
    const path = guests.has(row.userId) ? orderLinkPath(row.id, row.userId) : `/orders/${row.id}`;
    found.set(row.id, { order: views[i]!, link: new URL(path, env().SHOP_URL).toString() });
  }
  return found;
}

/** The variants a pass's back-in-stock rows are about: name and product page, in one query. A variant that is gone is missing. */
export async function loadSkus(skuIds: number[]): Promise<Map<number, { name: string; link: string }>> {
  const found = new Map<number, { name: string; link: string }>();
  if (skuIds.length === 0) return found;
  const rows = await getDb().select({ id: skus.id, spuId: skus.spuId, name: skus.name, product: spus.name }).from(skus).innerJoin(spus, eq(spus.id, skus.spuId)).where(inArray(skus.id, skuIds));
  for (const r of rows) found.set(r.id, { name: lineName(r.id, r), link: new URL(`/products/${r.spuId}`, env().SHOP_URL).toString() });
  return found;
}

/** The page a back-in-stock e-mail's unsubscribe link opens: it asks before it deletes (mail scanners open links). */
export const unsubscribeLink = (alertId: number) => new URL(`/stock-alerts/${alertToken(alertId)}`, env().SHOP_URL).toString();
