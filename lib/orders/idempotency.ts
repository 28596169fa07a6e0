import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { RowDataPacket } from "mysql2";
import { getCausalDb, getCausalPool, preparedQuery } from "@/db";
import { orders, type Order } from "@/db/schema";
import { takeOrderOutOfCart } from "@/lib/cart/cleanup";
import { AppError } from "@/lib/errors";
import { cartOwnerOf, shipColumns, type PlaceOrderRequest } from "./draft";
import { ordersWithLines, type OrderView } from "./queries";

export type PlaceOrderResult = { order: OrderView; created: boolean };

/**
 * Idempotency keys are case-insensitive (the unique index's collation already says so): keys are
 * lower-cased once, here, so that the database, a batch and a replay all compare the same string.
 */
export const normalizeKey = (key: string) => key.toLowerCase();

/**
 * An INSERT met the unique index on (user, idempotency key) or (user, cart revision): another
 * checkout wrote that order after our lookup. The transaction is run again, and its lookup then
 * finds the order (a replay, or CART_ALREADY_ORDERED).
 */
export class DuplicateKey extends Error {}

/*
 * Every read here answers "did this request already make an order?", often right after another
 * server's commit of that very order (a client's retry racing its first try): on the causal pool,
 * whose reads on Galera wait until their node has applied what the cluster committed (db/index.ts).
 */
const orderByKey = preparedQuery(
  (db) =>
    db
      .select()
      .from(orders)
      .where(and(eq(orders.userId, sql.placeholder("userId")), eq(orders.idempotencyKey, sql.placeholder("key"))))
      .limit(1)
      .prepare(),
  getCausalDb,
);

export async function findOrderByKey(userId: number, idempotencyKey: string): Promise<Order | undefined> {
  const [row] = await orderByKey().execute({ userId, key: normalizeKey(idempotencyKey) });
  return row;
}

const orderByCartRevision = preparedQuery(
  (db) =>
    db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.userId, sql.placeholder("userId")), eq(orders.cartRevision, sql.placeholder("revision"))))
      .limit(1)
      .prepare(),
  getCausalDb,
);

/** The order that bought this revision of the user's cart, if any. */
export async function findOrderByCartRevision(userId: number, revision: string): Promise<string | undefined> {
  const [row] = await orderByCartRevision().execute({ userId, revision });
  return row?.id;
}

/**
 * A repeat of a key answers with the first order, but only for the same request. A repeat is
 * often a retry after a lost reply, when the first request may never have taken the bought lines
 * out of the cart: its flag is still set, and the replay finishes that cleanup.
 */
export async function replay(req: PlaceOrderRequest, earlier: Order): Promise<PlaceOrderResult> {
  if (!sameShipTo(req, earlier) || earlier.payMethod !== req.payMethod) throw new AppError("IDEMPOTENCY_KEY_REUSED");
  const [order] = await ordersWithLines([earlier], getCausalDb());
  if (earlier.cartCleanupPending) await takeOrderOutOfCart(cartOwnerOf(req), earlier.id, order!.lines);
  return { order: order!, created: false };
}

/**
 * Which of these (user, key) pairs already have an order, as `userId:key`. Asked about drafts a
 * commit refused: a retry whose first try committed while the retry ran (its lookup came too
 * early) must get that order back, not the refusal that order itself caused (the customer's
 * limit reached, the last unit gone).
 */
export async function keysWithOrders(pairs: { userId: number; key: string }[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const [rows] = await getCausalPool().query<RowDataPacket[]>(
    `SELECT user_id, idempotency_key FROM orders FORCE INDEX (orders_user_idempotency_idx) WHERE (user_id, idempotency_key) IN (${pairs.map(() => "(?, ?)").join(", ")})`,
    pairs.flatMap((p) => [p.userId, normalizeKey(p.key)]),
  );
  return new Set(rows.map((r) => `${Number(r.user_id)}:${normalizeKey(String(r.idempotency_key))}`));
}

/** The key's earlier order if there is one, else the refusal this request was going to get. */
export async function replayOr(req: PlaceOrderRequest, refusal: unknown): Promise<PlaceOrderResult> {
  const earlier = await findOrderByKey(req.userId, req.idempotencyKey);
  if (earlier) return replay(req, earlier);
  throw refusal;
}

/** The same ship-to as the key's order: the same saved address, or for a guest the same address typed. */
function sameShipTo(req: PlaceOrderRequest, earlier: Order): boolean {
  if (!req.guest) return earlier.addressId === req.addressId;
  const typed = shipColumns(req.guest.shipTo);
  return earlier.addressId === null && (Object.keys(typed) as (keyof typeof typed)[]).every((k) => earlier[k] === typed[k]);
}
