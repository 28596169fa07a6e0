import "server-only";
import { count as sqlCount, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { orders, users, type ActorKind, type OrderStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { eventsOf } from "@/lib/orders/events";
import { parseOrderNumber } from "@/lib/orders/number";
import { orderIdSchema } from "@/lib/orders/schemas";
import { withAllocations, type AdminOrderView } from "./orders";

/** A timeline entry: the status taken, when, by whom (a user's name, or "system" for the sweep), and why. */
export type TimelineEvent = { at: string; status: OrderStatus; by: { kind: ActorKind; userId: number | null; username: string | null }; note: string | null };

export type AdminOrderDetail = AdminOrderView & {
  customer: { userId: number; username: string; ordersPlaced: number };
  events: TimelineEvent[];
};

/** The order an admin names by id (ULID) or number ("SR-7K3F92", any case); ORDER_NOT_FOUND for anything else. */
export async function resolveOrderId(ref: string): Promise<string> {
  const term = decodeURIComponent(ref).trim();
  if (orderIdSchema.safeParse(term).success) return term;
  const number = parseOrderNumber(term);
  if (number === null) throw new AppError("ORDER_NOT_FOUND");
  const [row] = await getDb().select({ id: orders.id }).from(orders).where(eq(orders.orderNumber, number)).limit(1);
  if (!row) throw new AppError("ORDER_NOT_FOUND");
  return row.id;
}

/** One order for the console: lines with where each unit ships from, the customer, the address, the payment method and its timeline. */
export async function getAdminOrder(ref: string): Promise<AdminOrderDetail> {
  const [detail] = await adminOrders([await resolveOrderId(ref)]);
  if (!detail) throw new AppError("ORDER_NOT_FOUND");
  return detail;
}

/** Several orders in the order given (the packing slips of a selection); unknown ids are left out. */
export async function adminOrders(orderIds: string[]): Promise<AdminOrderDetail[]> {
  if (orderIds.length === 0) return [];
  const rows = await getDb().select({ order: orders, username: users.username }).from(orders).innerJoin(users, eq(users.id, orders.userId)).where(inArray(orders.id, orderIds));
  const byId = new Map(rows.map((r) => [r.order.id, r]));
  const ordered = orderIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const [views, events] = await Promise.all([withAllocations(ordered), eventsOf(ordered.map((r) => r.order.id))]);
  const customerIds = [...new Set(ordered.map((r) => r.order.userId))];
  const actorIds = [...new Set([...events.values()].flat().flatMap((e) => (e.by.userId === null ? [] : [e.by.userId])))];
  const [names, placed] = await Promise.all([
    actorIds.length ? getDb().select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, actorIds)) : [],
    getDb().select({ userId: orders.userId, n: sqlCount() }).from(orders).where(inArray(orders.userId, customerIds)).groupBy(orders.userId),
  ]);
  const nameOf = new Map(names.map((n) => [n.id, n.username]));
  const placedBy = new Map(placed.map((p) => [p.userId, Number(p.n)]));
  return views.map((v) => ({
    ...v,
    customer: { userId: v.userId, username: v.username, ordersPlaced: placedBy.get(v.userId) ?? 0 },
    events: (events.get(v.orderId) ?? []).map((e) => ({ ...e, by: { ...e.by, username: e.by.userId === null ? null : (nameOf.get(e.by.userId) ?? null) } })),
  }));
}
