import "server-only";
import { inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { orders, users, type MailKind } from "@/db/schema";
import { ordersWithLines, type OrderView } from "@/lib/orders/queries";
import { orderLinkPath } from "@/lib/orders/order-link";
import { env } from "@/lib/platform/env";

/** What an order e-mail shows: the order as the shopper's page shows it, and the absolute link to that page. */
export type OrderMail = { kind: MailKind; order: OrderView; link: string };

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
