import "server-only";
import { asc, inArray } from "drizzle-orm";
import { getDb, type Tx } from "@/db";
import { orderEvents, type ActorKind, type OrderStatus } from "@/db/schema";

/**
 * An order's history: one row per status it took, written in the same transaction as the move
 * (a move that rolls back leaves no event, and no move goes unrecorded). The checkout writes its
 * batch's creations in one INSERT (order-rows.ts); every later move goes through `recordEvent`.
 */

/** Who made a move: a shopper or an admin (their user id), or the shop itself (the expiry sweep). */
export type Actor = { kind: ActorKind; userId: number | null };

export const SYSTEM: Actor = { kind: "system", userId: null };
export const shopperActor = (userId: number): Actor => ({ kind: "shopper", userId });
export const adminActor = (userId: number): Actor => ({ kind: "admin", userId });

/** The checkout's prebuilt INSERT (one row per created order, in the checkout's transaction). */
export const INSERT_EVENTS = "INSERT INTO order_events (order_id, status, actor_id, actor_kind, created_at) VALUES ";
export const EVENT_ROW = "(?, ?, ?, 'shopper', ?)";

export async function recordEvent(tx: Tx, orderId: string, status: OrderStatus, actor: Actor, note: string | null = null, at = new Date()) {
  await tx.insert(orderEvents).values({ orderId, status, actorId: actor.userId, actorKind: actor.kind, note, createdAt: at });
}

/** One event as the console shows it. `by` names the actor ("shopper", "admin", "system") and its user id. */
export type EventView = { at: string; status: OrderStatus; by: { kind: ActorKind; userId: number | null }; note: string | null };

/** The events of these orders, oldest first, keyed by order id. */
export async function eventsOf(orderIds: string[]): Promise<Map<string, EventView[]>> {
  const byOrder = new Map<string, EventView[]>();
  if (orderIds.length === 0) return byOrder;
  const rows = await getDb().select().from(orderEvents).where(inArray(orderEvents.orderId, orderIds)).orderBy(asc(orderEvents.id));
  for (const r of rows) {
    const list = byOrder.get(r.orderId) ?? [];
    list.push({ at: r.createdAt.toISOString(), status: r.status, by: { kind: r.actorKind, userId: r.actorId }, note: r.note });
    byOrder.set(r.orderId, list);
  }
  return byOrder;
}
