import "server-only";
import { and, asc, eq, gt, inArray, lte, type SQL } from "drizzle-orm";
import { affectedRows, getDb, type Db, type Tx } from "@/db";
import { orders, type MailKind, type Order, type OrderStatus } from "@/db/schema";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { giveBack } from "./allocation";
import { queueOrderMail } from "./mail-outbox";
import { clearSoldOut } from "./soldout";
import { ordersWithLines, type OrderView } from "./queries";
import { retryOnContention } from "./retry";
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

/** The atomic move (a missing order simply matches nothing): true only for the one caller whose UPDATE still found the order in a `from` status. */
async function move(db: Db | Tx, orderId: string, { from, to }: Move, ...guards: SQL[]): Promise<boolean> {
  const result = await db
    .update(orders)
    .set({ status: to, updatedAt: new Date() })
    .where(and(eq(orders.id, orderId), inArray(orders.status, [...from]), ...guards));
  return affectedRows(result) === 1;
}

/** The move and its e-mail in one transaction: the e-mail is queued exactly when the move wins. */
function moveAndMail(orderId: string, moveSpec: Move, ...guards: SQL[]): Promise<boolean> {
  return retryOnContention(`${moveSpec.to} ${orderId}`, () =>
    getDb().transaction(
      async (tx) => {
        if (!(await move(tx, orderId, moveSpec, ...guards))) return false;
        const kind = MAIL_OF.get(moveSpec);
        if (kind) await queueOrderMail(tx, orderId, kind);
        return true;
      },
      { isolationLevel: "read committed" },
    ),
  );
}

/**
 * Cancels and restocks in one READ COMMITTED transaction: the status move first (only its winner
 * goes on), then every line's units back to the locations they came from and out of sales,
 * locking SKU rows in ascending id and then their location rows, like checkout, so a cancel and a
 * checkout never wait on each other in a cycle.
 */
async function cancelAndRestock(orderId: string, moveSpec: Move, ...guards: SQL[]): Promise<boolean> {
  const restocked = await retryOnContention(`cancel ${orderId}`, () =>
    getDb().transaction(
      async (tx) => {
        if (!(await move(tx, orderId, moveSpec, ...guards))) return null;
        const restocked = await giveBack(tx, orderId);
        await queueOrderMail(tx, orderId, MAIL_OF.get(moveSpec)!);
        return restocked;
      },
      { isolationLevel: "read committed" },
    ),
  );
  if (!restocked) return false;
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

const ownedBy = (userId: number | undefined) => (userId === undefined ? [] : [eq(orders.userId, userId)]);

/**
 * Simulated payment of an online order by its owner. Paying twice is harmless (the order comes
 * back as it is); a cancelled or overdue order is ORDER_NOT_PAYABLE. An overdue order nobody has
 * swept yet is expired right here, so the shopper's countdown and the stock agree.
 */
export async function payOrder(userId: number, orderId: string, now = new Date()): Promise<OrderView> {
  const ttl = env().ORDER_PAYMENT_TTL;
  const onTime = gt(orders.createdAt, overdueCutoff(now, ttl));
  if (await moveAndMail(orderId, MOVES.pay, eq(orders.userId, userId), eq(orders.payMethod, "online"), onTime)) {
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
 * Cancels an unpaid or cash-on-delivery order and puts its units back. `userId` limits it to the
 * owner (others get a 404). Cancelling a cancelled order is harmless: nothing is restocked twice.
 */
export async function cancelOrder(userId: number | undefined, orderId: string): Promise<OrderView> {
  if (!(await cancelAndRestock(orderId, MOVES.cancel, ...ownedBy(userId)))) {
    const { status } = await findOrder(orderId, userId);
    if (status !== "cancelled") throw invalidTransition(status, "cancelled");
  }
  return view(orderId, userId);
}

export type ExpiryClock = { now?: Date; ttlSeconds?: number };

/** Cancels and restocks one order if it is still unpaid past its deadline; true if this call did it. */
export function expireOrder(orderId: string, { now = new Date(), ttlSeconds = env().ORDER_PAYMENT_TTL }: ExpiryClock = {}): Promise<boolean> {
  return cancelAndRestock(orderId, MOVES.expire, lte(orders.createdAt, overdueCutoff(now, ttlSeconds)));
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

async function adminMove(orderId: string, moveSpec: Move, action: string): Promise<OrderView> {
  if (!(await moveAndMail(orderId, moveSpec))) throw invalidTransition((await findOrder(orderId)).status, action);
  return view(orderId);
}

/** Admin: a paid or cash-on-delivery order leaves the warehouse. */
export const shipOrder = (orderId: string) => adminMove(orderId, MOVES.ship, "shipped");

/** Admin: a shipped order arrived. */
export const completeOrder = (orderId: string) => adminMove(orderId, MOVES.complete, "completed");
