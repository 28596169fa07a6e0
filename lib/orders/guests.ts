import "server-only";
import type { ResultSetHeader } from "mysql2";
import { eq } from "drizzle-orm";
import { getDb, getPool } from "@/db";
import { users } from "@/db/schema";
import { readCart, guestOwner } from "@/lib/cart/store";
import { lineName } from "@/lib/catalog/product-name";
import { accountRequiredError } from "@/lib/drops/purchase-limits";
import { AppError, isAppError } from "@/lib/errors";
import { placeOrder, type PlaceOrderResult, type Strategy } from "./checkout";
import { checkoutSkus } from "./lookups";
import { orderLinkPath } from "./order-link";
import type { GuestOrderInput } from "./schemas";

/**
 * Guest checkout. A guest cart (the guest cookie's id) gets a shadow owner: a `users` row of role
 * `guest` with that id in `guest_id` (unique), no password and no session. Its orders are owned
 * by that row like any shopper's, so the unique indexes on (user_id, idempotency_key) and
 * (user_id, cart_revision), the per-user checkout slot, the batch combiner's one-draft-per-user
 * rule and the cart-cleanup flags all hold for guests unchanged; only the cart read and cleaned
 * is the guest cart (`cartOwnerOf` in draft.ts). The guest sees its order through a signed link
 * (order-link.ts) and may later claim it into an account (claim.ts).
 */

// Usernames of registered accounts cannot hold ':' (lib/auth/schemas.ts), so these never collide.
const guestUsername = (guestId: string) => `g:${guestId}`;

async function findGuestOwner(guestId: string): Promise<number | undefined> {
  const [row] = await getDb().select({ id: users.id }).from(users).where(eq(users.guestId, guestId)).limit(1);
  return row?.id;
}

/**
 * The guest cart's shadow owner, created on its first checkout. One statement, safe when two tabs
 * race: the unique index on guest_id keeps one row and LAST_INSERT_ID(id) hands both its id.
 * The password hash is no hash at all, so no password ever logs in as a guest.
 */
async function ensureGuestOwner(guestId: string): Promise<number> {
  const [result] = await getPool().query<ResultSetHeader>(
    "INSERT INTO users (username, password_hash, role, guest_id) VALUES (?, '!', 'guest', ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
    [guestUsername(guestId), guestId],
  );
  return result.insertId;
}

/**
 * Said before anything is written: a guest cart selecting a SKU with a per-customer limit is
 * refused ACCOUNT_REQUIRED, naming the items. The checkout's commit refuses the same inside its
 * lookups (commit.ts), whatever this saw.
 */
async function refuseLimitedLines(guestId: string) {
  const selected = (await readCart(guestOwner(guestId))).lines.filter((l) => l.selected);
  if (selected.length === 0) return;
  const limited = (await checkoutSkus(selected.map((l) => l.skuId))).filter((s) => s.perCustomerLimit !== null);
  if (limited.length > 0) throw accountRequiredError(limited.map((s) => ({ skuId: s.skuId, name: lineName(s.skuId, s), limit: s.perCustomerLimit! })));
}

export type GuestOrderResult = PlaceOrderResult & { orderUrl: string };

/** Places a guest cart's selected lines as an order, with every guarantee of a signed-in checkout; answers the order and its signed link. */
export async function placeGuestOrder(guestId: string, input: GuestOrderInput & { idempotencyKey: string }, strategy?: Strategy): Promise<GuestOrderResult> {
  let ownerId = await findGuestOwner(guestId);
  if (ownerId === undefined) {
    // No owner yet, so no earlier order to replay: a refusal now writes nothing at all.
    await refuseLimitedLines(guestId);
    ownerId = await ensureGuestOwner(guestId);
  }
  const { email, address, payMethod, cartRevision, idempotencyKey } = input;
  const owner = ownerId;
  const result = await placeOrder(
    { userId: owner, idempotencyKey, payMethod, cartRevision, guest: { guestId, shipTo: { ...address, email: email.toLowerCase() } } },
    strategy,
  ).catch((e: unknown) => {
    // Another tab of this guest bought the cart: the order is this cart's own, so its link is theirs too.
    if (isAppError(e) && e.code === "CART_ALREADY_ORDERED" && typeof e.details?.orderId === "string") {
      throw new AppError("CART_ALREADY_ORDERED", { details: { ...e.details, orderUrl: orderLinkPath(e.details.orderId, owner) } });
    }
    throw e;
  });
  return { ...result, orderUrl: orderLinkPath(result.order.orderId, owner) };
}
