import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { skus, spus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { newChallenge, spendSolution } from "./queue-challenge";
import { passToken } from "./queue-pass";
import { waitingRoomOf, type WaitingRoom } from "./queue-settings";
import { closeLine, joinLine, lineBoard, lineStatus, myPlace, prequeue, reopenLine, writeShuffle, type QueueState } from "./queue-store";
import { cryptoRandomInt, shuffled, type RandomInt } from "./shuffle";

/**
 * A drop's waiting room (docs/architecture.md, "The waiting room"). Each shopper holds a ticket;
 * the line publishes one "now serving" number that moves at the owner's rate (computed in Redis
 * from the elapsed time, lib/drops/queue-store.ts), so a poll is O(1) and the same for everyone.
 * Before the launch, joiners go into a prequeue that is shuffled once at the launch; later
 * joiners queue behind in arrival order. A shopper whose ticket is served gets a signed pass
 * (lib/drops/queue-pass.ts) that checkout asks for (lib/drops/queue-checkout.ts).
 */

type QueueSku = { skuId: number; name: string; stock: number; buyable: boolean; launchAt: number; room: WaitingRoom };

/** The SKU's row (MariaDB decides whether a drop has a waiting room and its numbers; Redis only holds the line). */
async function queueSku(skuId: number): Promise<QueueSku> {
  const [row] = await getDb()
    .select({
      product: spus.name,
      name: skus.name,
      stock: skus.stock,
      onSale: skus.onSale,
      productActive: skus.productActive,
      saleStartsAt: skus.saleStartsAt,
      queueAdmitPerSecond: skus.queueAdmitPerSecond,
      queuePassMinutes: skus.queuePassMinutes,
      queueDifficulty: skus.queueDifficulty,
    })
    .from(skus)
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .where(eq(skus.id, skuId))
    .limit(1);
  if (!row) throw new AppError("SKU_NOT_FOUND");
  const room = waitingRoomOf(row);
  if (!room) throw new AppError("QUEUE_NOT_FOUND");
  return { skuId, name: `${row.product} — ${row.name}`, stock: row.stock, buyable: row.onSale && row.productActive, launchAt: row.saleStartsAt?.getTime() ?? 0, room };
}

const rateOf = (room: WaitingRoom) => ({ rate: room.admitPerSecond, passMs: room.passMinutes * 60_000 });

/**
 * A launched SKU with no units left closes its line (the checkout closes it at once,
 * lib/orders/soldout.ts; this catches a missed close). Before the launch an empty SKU is one the
 * owner has not stocked yet: its prequeue stays.
 */
async function closedIfSoldOut(sku: QueueSku): Promise<boolean> {
  if (sku.stock > 0 || Date.now() < sku.launchAt) return false;
  await closeLine(sku.skuId);
  return true;
}

/** The shuffle function tests may replace (a seeded RandomInt); crypto randomness otherwise. */
export const queueSeams: { randomInt?: RandomInt } = {};

/**
 * The launch's shuffle: whichever request first finds the launch passed reads the prequeue,
 * shuffles it (Fisher–Yates, crypto randomness) and writes the tickets 1..k in one script that
 * refuses if another process got there first. A joiner racing in before the launch makes the
 * script refuse too (the prequeue grew): read and shuffle again.
 */
export async function shufflePrequeue(skuId: number, launchAt: number): Promise<void> {
  for (let tries = 0; tries < 5; tries++) {
    const order = shuffled(await prequeue(skuId), queueSeams.randomInt ?? cryptoRandomInt);
    if ((await writeShuffle(skuId, launchAt, order)) !== -1) return;
  }
}

export type QueueStatus = {
  skuId: number;
  state: QueueState;
  /** Tickets up to this one are let in. */
  serving: number;
  /** The last ticket given out. */
  issued: number;
  /** Shoppers in the prequeue (before the launch's shuffle). */
  prequeued: number;
  admitPerSecond: number;
  launchAt: string | null;
  closedAt: string | null;
  serverTime: string;
};

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

/** The line as everyone sees it: the same answer for every shopper, so the front caches it. */
export async function queueStatus(skuId: number): Promise<QueueStatus> {
  const sku = await queueSku(skuId);
  await closedIfSoldOut(sku);
  let s = await lineStatus(skuId, rateOf(sku.room));
  if (s.state === "upcoming" && s.now >= sku.launchAt) {
    await shufflePrequeue(skuId, sku.launchAt);
    s = await lineStatus(skuId, rateOf(sku.room));
  }
  return {
    skuId,
    state: s.state,
    serving: s.serving,
    issued: s.issued,
    prequeued: s.prequeued,
    admitPerSecond: sku.room.admitPerSecond,
    launchAt: iso(sku.launchAt),
    closedAt: iso(s.closedAt),
    serverTime: new Date(s.now).toISOString(),
  };
}

/** Seconds until `ticket` is served at the line's rate (slots returned by unused passes only make it sooner). */
const etaOf = (ticket: number, serving: number, rate: number) => Math.ceil(Math.max(0, ticket - serving) / rate);

/** A fresh single-use challenge for this drop's line, at the owner's difficulty. */
export async function queueChallenge(skuId: number) {
  const sku = await queueSku(skuId);
  if (await closedIfSoldOut(sku)) throw new AppError("SOLD_OUT");
  return newChallenge(skuId, sku.room.difficulty);
}

export type Joined = { ticket: number | null; position: number | null; etaSeconds: number | null; state: "prequeue" | "waiting" | "admitted" | "closed"; prequeued: number };

function placeOf(ticket: number, serving: number, prequeued: number, room: WaitingRoom): Joined {
  if (ticket === 0) return { ticket: null, position: null, etaSeconds: null, state: "prequeue", prequeued };
  const position = Math.max(0, ticket - serving);
  return { ticket, position, etaSeconds: etaOf(ticket, serving, room.admitPerSecond), state: position === 0 ? "admitted" : "waiting", prequeued };
}

/**
 * Joins the line, once per account: the solved challenge first (CHALLENGE_FAILED), then the
 * ticket. Before the launch: a place in the prequeue (ticket null until the shuffle). Already
 * in line: ALREADY_QUEUED with the same ticket. Sold out: SOLD_OUT.
 */
export async function joinQueue(userId: number, skuId: number, challengeSolution: unknown): Promise<Joined> {
  const sku = await queueSku(skuId);
  if (await closedIfSoldOut(sku)) throw new AppError("SOLD_OUT");
  if (!sku.buyable) throw new AppError("SKU_NOT_FOUND");
  await spendSolution(skuId, challengeSolution);
  for (let tries = 0; ; tries++) {
    const j = await joinLine(skuId, userId, rateOf(sku.room), sku.launchAt);
    if (j.outcome === "shuffle" && tries < 3) {
      await shufflePrequeue(skuId, sku.launchAt);
      continue;
    }
    if (j.outcome === "closed") throw new AppError("SOLD_OUT");
    if (j.outcome !== "joined" && j.outcome !== "already") throw new AppError("BUSY", { retryAfter: 1 });
    const place = placeOf(j.ticket, j.serving, j.prequeued, sku.room);
    if (j.outcome === "already") throw new AppError("ALREADY_QUEUED", { details: place });
    return place;
  }
}

export type MyPlace =
  | { state: "none" | "used" | "expired" | "closed"; ticket: number | null; serverTime: string }
  | ({ serverTime: string; serving: number } & Joined)
  | { state: "admitted"; ticket: number; position: 0; etaSeconds: 0; pass: string; passExpiresAt: string; serving: number; serverTime: string };

/**
 * The shopper's place: in the prequeue, waiting (position and ETA), admitted (with the pass,
 * which the route also sets as a cookie), the pass used or expired, not in line, or closed
 * because the drop sold out.
 */
export async function myQueue(userId: number, skuId: number): Promise<MyPlace> {
  const sku = await queueSku(skuId);
  await closedIfSoldOut(sku);
  let me = await myPlace(skuId, userId, rateOf(sku.room));
  if (me.state === "upcoming" && me.now >= sku.launchAt) {
    await shufflePrequeue(skuId, sku.launchAt);
    me = await myPlace(skuId, userId, rateOf(sku.room));
  }
  const serverTime = new Date(me.now).toISOString();
  if (me.ticket === null) return { state: me.state === "closed" ? "closed" : "none", ticket: null, serverTime };
  switch (me.state) {
    case "closed":
    case "used":
    case "expired":
      return { state: me.state, ticket: me.ticket || null, serverTime };
    case "admitted": {
      const expiresAt = me.passExpiresAt!;
      const pass = passToken({ userId, skuId, ticket: me.ticket, expiresAt });
      return { state: "admitted", ticket: me.ticket, position: 0, etaSeconds: 0, pass, passExpiresAt: new Date(expiresAt).toISOString(), serving: me.serving, serverTime };
    }
    case "next":
      // Served, and the pass follows within a second (passes go out at the owner's rate).
      return { ticket: me.ticket, position: 0, etaSeconds: 1, state: "waiting", prequeued: 0, serving: me.serving, serverTime };
    default:
      return { ...placeOf(me.ticket, me.serving, me.prequeued, sku.room), serving: me.serving, serverTime };
  }
}

/** Closes the lines of SKUs that sold out (called by the checkout right after it emptied them). */
export async function closeQueues(skuIds: number[]): Promise<void> {
  await Promise.all(skuIds.map((id) => closeLine(id)));
}

/** Opens again the closed lines of SKUs that have stock again (a restock, a cancelled order): the next in line get those units. */
export async function reopenQueues(skuIds: number[]): Promise<void> {
  await Promise.all(skuIds.map((id) => reopenLine(id)));
}

export type QueueBoard = {
  state: QueueState;
  waiting: number;
  prequeued: number;
  issued: number;
  serving: number;
  admitPerSecond: number;
  passes: { admitted: number; used: number; expired: number; live: number };
  medianWaitSeconds: number | null;
  launchAt: string | null;
  openedAt: string | null;
  closedAt: string | null;
};

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The console's view of a drop's line (null when the SKU has no waiting room). */
export async function queueBoard(skuId: number): Promise<QueueBoard | null> {
  let status: QueueStatus;
  try {
    status = await queueStatus(skuId);
  } catch (e) {
    if (e instanceof AppError && e.code === "QUEUE_NOT_FOUND") return null;
    throw e;
  }
  const { fields, prequeued, liveNow, waits } = await lineBoard(skuId);
  const n = (k: string) => Number(fields[k] ?? 0);
  const m = median(waits);
  return {
    state: status.state,
    waiting: status.state === "upcoming" ? prequeued : Math.max(0, status.issued - status.serving),
    prequeued,
    issued: status.issued,
    serving: status.serving,
    admitPerSecond: status.admitPerSecond,
    passes: { admitted: n("admitted"), used: n("used"), expired: n("expired"), live: liveNow },
    medianWaitSeconds: m === null ? null : Math.round(m * 10) / 10,
    launchAt: status.launchAt,
    openedAt: iso(n("openedAt") || null),
    closedAt: status.closedAt,
  };
}
