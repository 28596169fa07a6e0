import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb, getPool, placeholders } from "@/db";
import { orderLines, orders, users } from "@/db/schema";
import { createCombiner } from "@/lib/platform/combiner";
import { log } from "@/lib/platform/log";
import { tracked } from "@/lib/platform/shutdown";
import { guestOwner, takeBoughtLines, userOwner, type Line, type Owner } from "./store";

/**
 * Taking an order's lines out of its buyer's cart, exactly once, whatever fails in between.
 *
 * Every order row is written with `cart_cleanup_pending = true`. After the commit the lines come
 * off the cart (a Redis script that keeps a per-order marker, so a repeat changes nothing), and
 * only then is the flag cleared. A process killed between the two, a lost COMMIT reply or a Redis
 * failure leaves the flag set, and the user's next cart read or checkout finishes the cleanup
 * (`settleCartCleanups`) before anything else, so stale lines are never bought twice.
 */

// Concurrent checkouts clear their flags in one UPDATE per batch instead of one commit each;
// prebuilt SQL, as it runs for every order (built through Drizzle it was a checkout's largest Drizzle cost).
const flagsCleared = createCombiner(
  async (orderIds: string[]) => {
    await getPool().query(`UPDATE orders SET cart_cleanup_pending = 0 WHERE id IN (${placeholders(orderIds.length)})`, orderIds);
    return orderIds.map(() => undefined);
  },
  { maxBatch: 256 },
);

/**
 * After an order commits: its lines out of the cart, then its flag cleared. Never throws: the
 * order stands whatever Redis does, and a cleanup that fails keeps its flag for the next cart
 * read or checkout to finish. The flag is cleared after the caller has its answer (counted as
 * in-flight work for a graceful stop): under a crowd its UPDATE queues behind every checkout
 * waiting for a pooled connection, and a flag still set only costs the user's next checkout a
 * look at the cart it already cleaned.
 */
export async function takeOrderOutOfCart(owner: Owner, orderId: string, lines: Line[]): Promise<void> {
  try {
    await takeBoughtLines(owner, orderId, lines);
  } catch (err) {
    log.error({ err, orderId, owner }, "cart cleanup failed after commit; left flagged for the next cart read");
    return;
  }
  void tracked(() => flagsCleared.submit(orderId).catch((err: unknown) => log.warn({ err, orderId }, "could not clear a cart cleanup flag; the next cart read does")));
}

/**
 * Finishes every cleanup of this user that failed or was cut off, on `owner`'s cart (a guest
 * owner's orders came from the guest cookie's cart). Two callers doing this at once are harmless
 * (the per-order marker). Throws CART_UNAVAILABLE while Redis is down; the flags then stay for
 * the next try.
 */
export async function settleCartCleanups(userId: number, owner: Owner = userOwner(userId)) {
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
      owner,
      id,
      lines.filter((l) => l.orderId === id),
    );
  }
  await Promise.all(ids.map((id) => flagsCleared.submit(id)));
}

/**
 * A guest cart's cleanups, for its reads and changes (and before it merges into an account at
 * login): the orders of its shadow owner (lib/orders/guests.ts) still flagged. One indexed read
 * when there are none, or no guest owner yet.
 */
export async function settleGuestCartCleanups(guestId: string) {
  const [owner] = await getDb()
    .select({ id: users.id })
    .from(users)
    .innerJoin(orders, and(eq(orders.userId, users.id), eq(orders.cartCleanupPending, true)))
    .where(eq(users.guestId, guestId))
    .limit(1);
  if (owner) await settleCartCleanups(owner.id, guestOwner(guestId));
}
