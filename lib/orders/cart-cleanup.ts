import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders } from "@/db/schema";
import { takeBoughtLines, userOwner } from "@/lib/cart/store";
import { log } from "@/lib/log";

type Bought = { skuId: number; count: number }[];

/**
 * Takes an order's lines out of the cart after commit; false if Redis failed. The order still
 * stands then: it is flagged, and the next cart read or checkout removes the lines before anything
 * else, so the shopper cannot buy the same stale lines twice by mistake. (`batched` writes every
 * order flagged and clears the flag once its cleanup is done, so even a lost COMMIT reply or a
 * crash right after the commit leaves the flag behind; see lib/orders/batch.ts.)
 */
export async function clearBoughtLines(userId: number, orderId: string, lines: Bought): Promise<boolean> {
  try {
    await takeBoughtLines(userOwner(userId), orderId, lines);
    return true;
  } catch (e) {
    log.error({ err: e, orderId, userId }, "cart cleanup failed after commit; flagged for retry");
    await getDb()
      .update(orders)
      .set({ cartCleanupPending: true })
      .where(eq(orders.id, orderId))
      .catch((err: unknown) => log.error({ err, orderId }, "could not flag order for cart cleanup"));
    return false;
  }
}

/** Clears the flag of orders whose cleanup is done. */
export async function cleanupsDone(orderIds: string[]) {
  if (orderIds.length === 0) return;
  await getDb().update(orders).set({ cartCleanupPending: false }).where(inArray(orders.id, orderIds));
}

/**
 * Finishes cleanups that failed or were cut off earlier. Each order's lines come off at most once
 * (the cart script keeps a marker per order), so two readers doing this at once are harmless.
 * Throws (CART_UNAVAILABLE) if Redis is still down; the flags then stay for the next try.
 */
export async function finishPendingCartCleanups(userId: number) {
  const db = getDb();
  const pending = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.cartCleanupPending, true)));
  if (pending.length === 0) return;
  const ids = pending.map((p) => p.id);
  const lines = await db.select().from(orderLines).where(inArray(orderLines.orderId, ids));
  for (const id of ids) {
    await takeBoughtLines(
      userOwner(userId),
      id,
      lines.filter((l) => l.orderId === id),
    );
  }
  await cleanupsDone(ids);
}
