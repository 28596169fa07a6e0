import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { orders, users, type OrderStatus } from "@/db/schema";
import { ordersWithLines, type OrderView } from "@/lib/orders/queries";

export type AdminOrderView = OrderView & { userId: number; username: string };

/** The newest orders of every user, optionally of one status, each with its lines. */
export async function listAllOrders({ status, limit = 50 }: { status?: OrderStatus; limit?: number } = {}): Promise<AdminOrderView[]> {
  const rows = await getDb()
    .select({ order: orders, username: users.username })
    .from(orders)
    .innerJoin(users, eq(users.id, orders.userId))
    .where(status ? eq(orders.status, status) : undefined)
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit);
  const views = await ordersWithLines(rows.map((r) => r.order));
  return views.map((v, i) => ({ ...v, userId: rows[i]!.order.userId, username: rows[i]!.username }));
}
