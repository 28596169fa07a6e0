import "server-only";
import { eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { orders, users, type MailKind } from "@/db/schema";
import { ordersWithLines, type OrderView } from "@/lib/orders/queries";
import { orderLinkPath } from "@/lib/orders/order-link";
import { env } from "@/lib/platform/env";

/** What an order e-mail shows: the order as the shopper's page shows it, and the absolute link to that page. */
export type OrderMail = { kind: MailKind; order: OrderView; link: string };

/**
 * The order a row is about, read at send time (the row stores only its id). A guest's order
 * links with its signed token (lib/orders/order-link.ts), a shopper's to the plain page, which
 * asks them to sign in. Null when the order is gone.
 */
export async function loadOrderMail(kind: MailKind, orderId: string): Promise<OrderMail | null> {
  const rows = await getDb().select().from(orders).where(eq(orders.id, orderId)).limit(1);
  const [order] = await ordersWithLines(rows);
  if (!order) return null;
  const [owner] = await getDb().select({ role: users.role }).from(users).where(inArray(users.id, [rows[0]!.userId]));
  const path = owner?.role === "guest" ? orderLinkPath(orderId, rows[0]!.userId) : `/orders/${orderId}`;
  return { kind, order, link: new URL(path, env().SHOP_URL).toString() };
}
