import "server-only";
import { and, eq } from "drizzle-orm";
import { affectedRows, getDb } from "@/db";
import { orders, users } from "@/db/schema";
import { settleGuestCartCleanups } from "@/lib/cart/cleanup";
import { AppError, isDuplicateKey } from "@/lib/errors";
import { ownerByLink } from "./order-link";
import { getOrder, type OrderView } from "./queries";

/**
 * Claiming a guest order into an account. The rule (docs/architecture.md, "Guest checkout"):
 * the claimant is signed in, holds the order's signed link, and the account's e-mail is the
 * e-mail the order was placed with. The link alone proves the claimant saw the order (it was
 * shown to the guest); the e-mail match keeps a link that was forwarded or leaked from moving
 * the order into a stranger's account. Registration's e-mail is not verified, which is why the
 * link is required too: registering with someone's e-mail claims nothing.
 *
 * One conditional UPDATE moves the order: of two claims racing, one wins and the other finds
 * the order gone (404); the link's signature covers the owner, so it stops working once claimed.
 */
export async function claimOrder(userId: number, orderId: string, token: string | null | undefined): Promise<OrderView> {
  const guestOwnerId = await ownerByLink(orderId, token);
  if (guestOwnerId === userId) return getOrder(userId, orderId);
  const db = getDb();
  const [[order], [account], [guest]] = await Promise.all([
    db.select({ email: orders.shipEmail }).from(orders).where(eq(orders.id, orderId)).limit(1),
    db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1),
    db.select({ role: users.role, guestId: users.guestId }).from(users).where(eq(users.id, guestOwnerId)).limit(1),
  ]);
  // Only a guest's order is claimable: an account's is its own for good.
  if (!order || guest?.role !== "guest") throw new AppError("ORDER_NOT_FOUND");
  if (!account?.email || account.email.toLowerCase() !== order.email.toLowerCase()) {
    throw new AppError("CLAIM_EMAIL_MISMATCH", {
      message: account?.email
        ? "This order was placed with another e-mail address than your account's, so it cannot be added to it."
        : "Add the e-mail address this order was placed with to your account first.",
    });
  }
  // The guest cart gives up what this order bought before the order leaves its owner: from then
  // on nothing would take those lines out of the guest cart.
  if (guest.guestId) await settleGuestCartCleanups(guest.guestId);
  let moved: number;
  try {
    moved = affectedRows(
      await db
        .update(orders)
        .set({ userId, cartCleanupPending: false, updatedAt: new Date() })
        .where(and(eq(orders.id, orderId), eq(orders.userId, guestOwnerId))),
    );
  } catch (e) {
    // The account already has an order with this order's idempotency key or cart revision (random
    // tokens: practically never).
    if (isDuplicateKey(e)) throw new AppError("ORDER_CLAIM_CONFLICT");
    throw e;
  }
  if (moved !== 1) throw new AppError("ORDER_NOT_FOUND");
  return getOrder(userId, orderId);
}
