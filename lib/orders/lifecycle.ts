import "server-only";
import { and, asc, eq, gt, inArray, lte, type SQL } from "drizzle-orm";
import { affectedRows, getDb, type Tx } from "@/db";
import { orders, type MailKind, type Order, type OrderStatus } from "@/db/schema";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { giveBack } from "./allocation";
import { mailQueued, queueOrderMail } from "./mail-outbox";
import { clearSoldOut } from "./soldout";
import { ordersWithLines, type OrderView } from "./queries";
import { retryOnContention } from "./retry";
import { adminActor, recordEvent, shopperActor, SYSTEM, type Actor } from "./events";
import { orderIdSchema } from "./schemas";

/**
 * Every legal move and the statuses it may start from. Nothing else changes an order's status:
 * each move is one conditional UPDATE, so of several racing callers exactly one wins.
 */
const MOVES = {
  pay: { from: ["unpaid"], to: "paid" },
  cancel: { from: ["unpaid", "awaiting_shipment"], to: "cancelled" },
  expire: { from: ["unpaid"], to: "cancelled" },
  ship: { from: ["paid", "awaiting_shipment"], to: "shipped" },
  complete: { from: ["shipped"], to: "completed" },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus }>;

type Move = (typeof MOVES)[keyof typeof MOVES];

/** The e-mail each move sends the shopper, queued in the move's transaction. */
const MAIL_OF = new Map<Move, MailKind>([
  [MOVES.pay, "order_paid"],
  [MOVES.cancel, "order_cancelled"],
  [MOVES.expire, "order_expired"],
  [MOVES.ship, "order_shipped"],
]);


/** When an unpaid order placed at `createdAt` stops holding its stock. */
function paymentDeadline(createdAt: Date | string, ttlSeconds = env().ORDER_PAYMENT_TTL): Date {
  return new Date(new Date(createdAt).getTime() + ttlSeconds * 1000);
}

/** Whole seconds an order placed at `createdAt` has left to be paid (0 once overdue). */
export function secondsLeftToPay(createdAt: Date | string, now = new Date()): number {
  return Math.max(0, Math.floor((paymentDeadline(createdAt).getTime() - now.getTime()) / 1000));
}

/** Orders placed at or before this instant are overdue at `now`. */
const overdueCutoff = (now: Date, ttlSeconds: number) => new Date(now.getTime() - ttlSeconds * 1000);

/** What a move may also write on the order's row (ship's carrier and tracking number). */
type Extra = Partial<Pick<Order, "carrier" | "trackingNumber">>;
type MoveOptions = { guards?: SQL[]; note?: string | null; set?: Extra };

/**
 * The atomic move and its event, in one transaction (a missing order simply matches nothing): true
 * only for the one caller whose UPDATE still found the order in a `from` status; only that caller
 * writes the event (lib/orders/events.ts), so the timeline holds each move exactly once.
 */
async function move(tx: Tx, orderId: string, { from, to }: Move, by: Actor, { guards = [], note = null, set = {} }: MoveOptions = {}): Promise<boolean> {
  const now = new Date();
  const result = await tx
    .update(orders)
    .set({ ...set, status: to, updatedAt: now })
    .where(and(eq(orders.id, orderId), inArray(orders.status, [...from]), ...guards));
  if (affectedRows(result) !== 1) return false;
  await recordEvent(tx, orderId, to, by, note, now);
  return true;
}

/**
 * A move that gives nothing back (pay, ship, complete): its own READ COMMITTED transaction, with
 * its e-mail queued in it, so the e-mail is queued exactly when the move wins.
 */
async function transition(orderId: string, moveSpec: Move, by: Actor, options?: MoveOptions): Promise<boolean> {
  const kind = MAIL_OF.get(moveSpec);
  const moved = await retryOnContention(`${moveSpec.to} ${orderId}`, () =>
    getDb().transaction(
      async (tx) => {
        if (!(await move(tx, orderId, moveSpec, by, options))) return null;
        return { mailed: kind ? await queueOrderMail(tx, orderId, kind) : false };
      },
      { isolationLevel: "read committed" },
    ),
  );
  if (moved?.mailed) mailQueued();
  return moved !== null;
}

/**
 * Cancels and restocks in one READ COMMITTED transaction: the status move first (only its winner
 * goes on), then every line's units back to the locations they came from and out of sales,
 * locking SKU rows in ascending id and then their location rows, like checkout, so a cancel and a
 * checkout never wait on each other in a cycle.
 */
async function cancelAndRestock(orderId: string, moveSpec: Move, by: Actor, options?: MoveOptions): Promise<boolean> {
  const cancelled = await retryOnContention(`cancel ${orderId}`, () =>
    getDb().transaction(
      async (tx) => {
        if (!(await move(tx, orderId, moveSpec, by, options))) return null;
        const restocked = await giveBack(tx, orderId);
        return { restocked, mailed: await queueOrderMail(tx, orderId, MAIL_OF.get(moveSpec)!) };
      },
      { isolationLevel: "read committed" },
    ),
  );
  if (!cancelled) return false;
  const { restocked, mailed } = cancelled;
  if (mailed) mailQueued();
  // After commit: the units are back, so "sold out" hints for them are now wrong.
  await clearSoldOut(restocked);
  return true;
}

async function findOrder(orderId: string, userId?: number): Promise<Order> {
  if (!orderIdSchema.safeParse(orderId).success) throw new AppError("ORDER_NOT_FOUND");
  const where = userId === undefined ? eq(orders.id, orderId) : and(eq(orders.id, orderId), eq(orders.userId, userId));
  const [row] = await getDb().select().from(orders).where(where).limit(1);
  if (!row) throw new AppError("ORDER_NOT_FOUND");
  return row;
}

async function view(orderId: string, userId?: number): Promise<OrderView> {
  const [order] = await ordersWithLines([await findOrder(orderId, userId)]);
  return order!;
}

const invalidTransition = (status: OrderStatus, action: string) =>
  new AppError("INVALID_TRANSITION", { message: `An order that is ${status.replace("_", " ")} cannot be ${action}.`, details: { status } });


/**
 * Simulated payment of an online order by its owner. Paying twice is harmless (the order comes
 * back as it is); a cancelled or overdue order is ORDER_NOT_PAYABLE. An overdue order nobody has
 * swept yet is expired right here, so the shopper's countdown and the stock agree.
 */
export async function payOrder(userId: number, orderId: string, now = new Date()): Promise<OrderView> {
  const ttl = env().ORDER_PAYMENT_TTL;
  const onTime = gt(orders.createdAt, overdueCutoff(now, ttl));
  if (await transition(orderId, MOVES.pay, shopperActor(userId), { guards: [eq(orders.userId, userId), eq(orders.payMethod, "online"), onTime] })) {
    return view(orderId, userId);
  }
  for (let look = 0; look < 2; look++) {
    const order = await findOrder(orderId, userId);
    if (order.payMethod !== "online") throw invalidTransition(order.status, "paid online (it is cash on delivery)");
    if (order.status === "paid" || order.status === "shipped" || order.status === "completed") return view(orderId, userId);
    if (order.status === "cancelled") throw new AppError("ORDER_NOT_PAYABLE", { message: "This order was cancelled and can no longer be paid.", details: { status: order.status } });
    // Still unpaid, so the time ran out. Expire it; if a payment raced in first, look again.
    if (await expireOrder(orderId, { now, ttlSeconds: ttl })) {
      throw new AppError("ORDER_NOT_PAYABLE", { message: "The time to pay this order ran out, so it was cancelled.", details: { status: "cancelled" } });
    }
  }
  throw new AppError("BUSY", { retryAfter: 1 });
}

/**
 * The shopper cancels their unpaid or cash-on-delivery order and its units go back. Others' orders
 * are a 404. Cancelling a cancelled order is harmless: nothing is restocked twice.
 */
export async function cancelOrder(userId: number, orderId: string): Promise<OrderView> {
  if (!(await cancelAndRestock(orderId, MOVES.cancel, shopperActor(userId), { guards: [eq(orders.userId, userId)] }))) {
    const { status } = await findOrder(orderId, userId);
    if (status !== "cancelled") throw invalidTransition(status, "cancelled");
  }
  return view(orderId, userId);
}

/**
 * An admin cancels an unpaid or cash-on-delivery order: the same move and restock as the
 * shopper's, so racing the shopper's pay or cancel and the sweep, exactly one wins. Unlike the
 * shopper's, a lost race is an answer: INVALID_TRANSITION with the status the winner left.
 */
export async function cancelOrderAsAdmin(adminId: number, orderId: string): Promise<void> {
  if (await cancelAndRestock(orderId, MOVES.cancel, adminActor(adminId), { note: "cancelled by the shop" })) return;
  throw invalidTransition((await findOrder(orderId)).status, "cancelled");
}

export type ExpiryClock = { now?: Date; ttlSeconds?: number };

/** Cancels and restocks one order if it is still unpaid past its deadline; true if this call did it. */
export function expireOrder(orderId: string, { now = new Date(), ttlSeconds = env().ORDER_PAYMENT_TTL }: ExpiryClock = {}): Promise<boolean> {
  return cancelAndRestock(orderId, MOVES.expire, SYSTEM, { guards: [lte(orders.createdAt, overdueCutoff(now, ttlSeconds))], note: "payment time ran out" });
}

/** Ids of unpaid orders past their deadline, oldest first (served by the status + created_at index). */
export async function overdueOrderIds(limit: number, { now = new Date(), ttlSeconds = env().ORDER_PAYMENT_TTL }: ExpiryClock = {}): Promise<string[]> {
  const rows = await getDb()
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, "unpaid"), lte(orders.createdAt, overdueCutoff(now, ttlSeconds))))
    .orderBy(asc(orders.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

async function adminMove(orderId: string, moveSpec: Move, action: string, by: Actor, options?: MoveOptions): Promise<OrderView> {
  if (!(await transition(orderId, moveSpec, by, options))) throw invalidTransition((await findOrder(orderId)).status, action);
  return view(orderId);
}

/** Where a shipped parcel can be followed; both optional, shown to the shopper. */
export type Shipment = { carrier?: string | null; trackingNumber?: string | null };

/** An admin whose id is not known (the older callers); the event then names no user. */
const ANY_ADMIN: Actor = { kind: "admin", userId: null };

/** Admin: a paid or cash-on-delivery order leaves the warehouse, with its carrier and tracking number if given. */
export function shipOrder(orderId: string, { carrier = null, trackingNumber = null }: Shipment = {}, by: Actor = ANY_ADMIN): Promise<OrderView> {
  const note = [carrier, trackingNumber].filter(Boolean).join(" ") || null;
  return adminMove(orderId, MOVES.ship, "shipped", by, { note, set: { carrier, trackingNumber } });
}

/** Admin: a shipped order arrived. */
export const completeOrder = (orderId: string, by: Actor = ANY_ADMIN) => adminMove(orderId, MOVES.complete, "completed", by);
