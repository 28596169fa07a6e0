import "server-only";
import { asc, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { locations, orderLineAllocations, orders, users, type Order, type OrderStatus } from "@/db/schema";
import { ordersWithLines, type OrderView } from "@/lib/orders/queries";
import { encodeCursor } from "./order-cursor";
import { orderListSchema, type OrderListFilter } from "./order-schemas";
import { listConditions } from "./order-search";

/** Where one line's units left from: a line splits when its first location ran out. */
export type LineAllocation = { locationId: number; name: string; count: number };
export type AdminOrderView = Omit<OrderView, "lines"> & { userId: number; username: string; lines: (OrderView["lines"][number] & { allocations: LineAllocation[] })[] };
export type OrderPage = { orders: AdminOrderView[]; nextCursor: string | null };

/**
 * One page of every user's orders, newest first, filtered and searched (lib/admin/order-search.ts),
 * each with its lines and where each line's units came from. `input` is the raw query (validated
 * here: a bad limit, cursor or range is VALIDATION). `nextCursor` is null on the last page.
 */
export async function searchOrders(input: Record<string, unknown>): Promise<OrderPage> {
  const { limit, ...filter } = orderListSchema.parse(input);
  return pageOf(filter, limit);
}

/**
 * One table, ordered and limited on an index: joined to `users` here, MariaDB would start from
 * the users and sort every order (a third of a second at 100,000); the names are read after.
 */
async function pageOf(filter: Omit<OrderListFilter, "limit">, limit: number): Promise<OrderPage> {
  const rows = await getDb()
    .select()
    .from(orders)
    .where(await listConditions(filter))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const shown = rows.slice(0, limit);
  const names = await usernames(shown.map((o) => o.userId));
  const last = shown.at(-1);
  return { orders: await withAllocations(shown.map((order) => ({ order, username: names.get(order.userId) ?? "" }))), nextCursor: more && last ? encodeCursor(last) : null };
}

async function usernames(userIds: number[]): Promise<Map<number, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await getDb().select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.username]));
}

/** The newest orders of every user, optionally of one status (the console's home). */
export async function listAllOrders({ status, limit = 50 }: { status?: OrderStatus; limit?: number } = {}): Promise<AdminOrderView[]> {
  return (await pageOf({ status }, limit)).orders;
}

/** Orders as the console shows them: lines, allocations and the customer's name. */
export async function withAllocations(rows: { order: Order; username: string }[]): Promise<AdminOrderView[]> {
  const [views, allocated] = await Promise.all([ordersWithLines(rows.map((r) => r.order)), allocationsOf(rows.map((r) => r.order.id))]);
  return views.map((v, i) => ({
    ...v,
    userId: rows[i]!.order.userId,
    username: rows[i]!.username,
    lines: v.lines.map((l) => ({ ...l, allocations: allocated.get(`${v.orderId}:${l.skuId}`) ?? [] })),
  }));
}

/** Allocations of these orders keyed `orderId:skuId`, in the order the locations were drained. */
async function allocationsOf(orderIds: string[]): Promise<Map<string, LineAllocation[]>> {
  const byLine = new Map<string, LineAllocation[]>();
  if (orderIds.length === 0) return byLine;
  const rows = await getDb()
    .select({ orderId: orderLineAllocations.orderId, skuId: orderLineAllocations.skuId, locationId: orderLineAllocations.locationId, name: locations.name, count: orderLineAllocations.count })
    .from(orderLineAllocations)
    .innerJoin(locations, eq(locations.id, orderLineAllocations.locationId))
    .where(inArray(orderLineAllocations.orderId, orderIds))
    .orderBy(asc(locations.priority), asc(locations.id));
  for (const { orderId, skuId, ...at } of rows) {
    const key = `${orderId}:${skuId}`;
    byLine.set(key, [...(byLine.get(key) ?? []), at]);
  }
  return byLine;
}
