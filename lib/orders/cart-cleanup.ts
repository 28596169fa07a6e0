import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders } from "@/db/schema";
import { takeBoughtLines, userOwner } from "@/lib/cart/store";
import { log } from "@/lib/log";

type Bought = { skuId: number; count: number }[];

/**
 * Takes an order's lines out of the cart after commit. If Redis fails here the order still
 * stands: it is flagged, and the next cart read or checkout removes the lines before anything
 * else, so the shopper cannot buy the same stale lines twice by mistake.
 */
export async function clearBoughtLines(userId: number, orderId: string, lines: Bought) {
  try {
    await takeBoughtLines(userOwner(userId), lines);
  } catch (e) {
    log.error({ err: e, orderId, userId }, "cart cleanup failed after commit; flagged for retry");
    await getDb()
      .update(orders)
      .set({ cartCleanupPending: true })
      .where(eq(orders.id, orderId))
      .catch((err: unknown) => log.error({ err, orderId }, "could not flag order for cart cleanup"));
  }
}

/** Finishes cleanups that failed earlier. Throws (CART_UNAVAILABLE) if Redis is still down. */
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
    // Claim the cleanup first, so two concurrent cart reads never take the lines off twice.
    const [claim] = await db
      .update(orders)
      .set({ cartCleanupPending: false })
      .where(and(eq(orders.id, id), eq(orders.cartCleanupPending, true)));
    if (claim.affectedRows !== 1) continue;
    try {
      await takeBoughtLines(
        userOwner(userId),
        lines.filter((l) => l.orderId === id),
      );
    } catch (e) {
      await db.update(orders).set({ cartCleanupPending: true }).where(eq(orders.id, id));
      throw e;
    }
  }
}
