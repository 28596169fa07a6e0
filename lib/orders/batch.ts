import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders, skus, type Order } from "@/db/schema";
import { addressesByIds } from "@/lib/addresses";
import { getSkus } from "@/lib/catalog";
import { AppError, ER_DUP_ENTRY, sqlErrno } from "@/lib/errors";
import { log } from "@/lib/log";
import { requestContext } from "@/lib/request-context";
import { cleanupsDone, clearBoughtLines } from "./cart-cleanup";
import { recordBatch } from "./metrics";
import { buildOrder, lineName, lineRowsOf, outOfStockError, type PlaceOrderRequest, type PreparedOrder } from "./outcomes";
import { retryOnContention } from "./retry";
import { markSoldOut, type SoldOut } from "./soldout";

/**
 * Hot-SKU order combining. Concurrent checkouts in this process queue here with nothing but
 * their request and cart lines; one batch at a time does, for up to MAX_BATCH orders, what
 * each order would otherwise do alone: look up earlier orders with their idempotency keys,
 * their addresses and SKUs (three queries for the whole batch), then one READ COMMITTED
 * transaction that locks the SKU rows (ascending id, FOR UPDATE), allocates stock in arrival
 * order, and writes every order, line and stock change in a few multi-row statements. A hot row
 * is locked and its commit flushed once per batch instead of once per order. There is no
 * timer: a batch leaves as soon as the previous one committed, so a lone order waits for
 * nothing. Correctness stays in the database: the row locks also order batches from other
 * server processes, and the CHECK on stock stays the last defence.
 */
export const MAX_BATCH = 64;

export type BatchOrder = { req: PlaceOrderRequest; wanted: { skuId: number; count: number }[] };
export type BatchOutcome =
  /** Written and committed. */
  | { kind: "created"; prepared: PreparedOrder }
  /** The key already has an order (`order`, when known): answer with it. */
  | { kind: "earlier"; order?: Order }
  /** An earlier order of this user still waits for its cart cleanup: finish it, re-read the cart, come back. */
  | { kind: "cleanup-first" };

type Pending = BatchOrder & { stats?: { attempts: number }; resolve: (o: BatchOutcome) => void; reject: (e: unknown) => void };
type Settled = { ok: true; outcome: BatchOutcome } | { ok: false; error: unknown };

const state = ((globalThis as unknown as { stockroomBatcher?: { queue: Pending[]; running: boolean; finishing: number } }).stockroomBatcher ??= {
  queue: [],
  running: false,
  finishing: 0,
});

/** Test seams inside the batch transaction: after the lookups came in, and just before COMMIT. */
export const batchTestHooks: {
  afterLookups?: (attempt: number) => void | Promise<void>;
  beforeCommit?: (attempt: number) => void | Promise<void>;
} = {};

/** Resolves once no batch is running or queued, including its after-commit work (for shutdown). */
export async function batchesDrained() {
  while (state.running || state.queue.length > 0 || state.finishing > 0) await new Promise((r) => setTimeout(r, 5));
}

/** Orders waiting for the next batch (for tests and diagnostics). */
export const queuedOrders = () => state.queue.length;

/** `stats.attempts` learns how many transaction attempts the order's batch took (for the checkout log). */
export function submitToBatch(order: BatchOrder, stats?: { attempts: number }): Promise<BatchOutcome> {
  return new Promise((resolve, reject) => {
    state.queue.push({ ...order, stats, resolve, reject });
    // The combiner serves every caller, so it runs outside this one's request context (its logs must not carry this request's id).
    if (!state.running) requestContext.exit(() => void drain());
  });
}

async function drain() {
  state.running = true;
  try {
    // Not a timer: one turn of the event loop, so checkouts whose cart reads came back in the
    // same burst of replies share the first batch instead of the first of them going alone.
    await new Promise(setImmediate);
    while (state.queue.length > 0) await runBatch(state.queue.splice(0, MAX_BATCH));
  } finally {
    state.running = false;
  }
}

// Keys compare as the unique index does: its collation ignores case (keys are ASCII by schema).
const keyOf = (req: Pick<PlaceOrderRequest, "userId" | "idempotencyKey">) => `${req.userId}\u0000${req.idempotencyKey.toLowerCase()}`;

async function runBatch(batch: Pending[]) {
  recordBatch(batch.length);
  // Two requests with one idempotency key in a batch: only the first is written; the other is
  // answered with the first's order (or its refusal).
  const leaders = new Map<string, Pending>();
  const followers: Pending[] = [];
  for (const p of batch) {
    if (leaders.has(keyOf(p.req))) followers.push(p);
    else leaders.set(keyOf(p.req), p);
  }

  let result: { settled: Map<Pending, Settled>; emptied: SoldOut[] };
  try {
    result = await commitBatch([...leaders.values()]);
  } catch (e) {
    for (const p of batch) p.reject(e);
    return;
  }
  // The rest runs beside the next batch, which need not wait for Redis.
  state.finishing++;
  void afterCommit(result, leaders, followers).finally(() => state.finishing--);
}

/**
 * After the commit: refusals and replays are answered at once and the sold-out hints written
 * meanwhile; the winners' carts are cleaned, their orders' cleanup flags cleared, and then they
 * (and any same-key followers) are answered. Never throws: the orders stand whatever Redis does;
 * a cleanup that fails keeps its flag, and the user's next cart read or checkout finishes it.
 */
async function afterCommit(result: { settled: Map<Pending, Settled>; emptied: SoldOut[] }, leaders: Map<string, Pending>, followers: Pending[]) {
  const answer = (p: Pending, s: Settled) => (s.ok ? p.resolve(s.outcome) : p.reject(s.error));
  const asFollower = (s: Settled): Settled =>
    s.ok && s.outcome.kind === "created" ? { ok: true, outcome: { kind: "earlier", order: s.outcome.prepared.header } } : s;
  const isCreated = (s: Settled) => s.ok && s.outcome.kind === "created";
  const leaderOf = (f: Pending) => result.settled.get(leaders.get(keyOf(f.req))!)!;

  for (const [p, s] of result.settled) if (!isCreated(s)) answer(p, s);
  for (const f of followers) if (!isCreated(leaderOf(f))) answer(f, leaderOf(f));
  const hints = markSoldOut(result.emptied);

  const created = [...result.settled.values()].flatMap((s) => (s.ok && s.outcome.kind === "created" ? [s.outcome.prepared] : []));
  const cleaned = await Promise.all(created.map(({ header, lines }) => clearBoughtLines(header.userId, header.id, lines)));
  // Before answering: the caller's next checkout must not find its own order still flagged.
  await cleanupsDone(created.filter((_, i) => cleaned[i]).map(({ header }) => header.id)).catch((err: unknown) => log.warn({ err }, "could not clear cart cleanup flags; the next cart read does"));
  for (const [p, s] of result.settled) if (isCreated(s)) answer(p, s);
  for (const f of followers) if (isCreated(leaderOf(f))) answer(f, asFollower(leaderOf(f)));
  await hints;
}

class DuplicateKey extends Error {}

/** Earlier orders with the batch's keys, and any of its users' orders still waiting for a cart cleanup. */
function earlierOrders(batch: Pending[]) {
  return getDb()
    .select()
    .from(orders)
    .where(
      or(
        ...batch.map((p) => and(eq(orders.userId, p.req.userId), eq(orders.idempotencyKey, p.req.idempotencyKey))),
        and(eq(orders.cartCleanupPending, true), inArray(orders.userId, [...new Set(batch.map((p) => p.req.userId))])),
      ),
    );
}

async function commitBatch(batch: Pending[]) {
  // A key written by another process between our lookup and our INSERT fails the INSERT with a
  // duplicate: the whole batch runs again, and the next lookup finds that order.
  return retryOnContention(
    "checkout (batched)",
    async (attempt) => {
      for (const p of batch) if (p.stats) p.stats.attempts = attempt;
      const skuIds = [...new Set(batch.flatMap((p) => p.wanted.map((l) => l.skuId)))].sort((a, b) => a - b);
      // Three lookups for the whole batch, side by side on pooled connections, before the
      // transaction takes its own connection (inside it, they could wait on a pool it holds).
      const [found, addressRows, catalog] = await Promise.all([
        earlierOrders(batch),
        addressesByIds([...new Set(batch.map((p) => p.req.addressId))]),
        getSkus(skuIds),
      ]);

      return getDb().transaction(
        async (tx) => {
          await batchTestHooks.afterLookups?.(attempt);
          const earlier = new Map(found.map((o) => [keyOf(o), o]));
          const cleanupPending = new Set(found.filter((o) => o.cartCleanupPending).map((o) => o.userId));
          const address = new Map(addressRows.map((a) => [a.id, a]));
          const names = new Map(catalog.map((s) => [s.skuId, lineName(s.skuId, s)]));
          const nameOf = (skuId: number) => names.get(skuId) ?? lineName(skuId);

          const rows = await tx
            .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale, price: skus.price })
            .from(skus)
            .where(inArray(skus.id, skuIds))
            .orderBy(asc(skus.id))
            .for("update");
          const left = new Map(rows.map((r) => [r.id, r.onSale ? r.stock : 0]));
          const price = new Map(rows.map((r) => [r.id, r.price]));

          // Arrival order; an order gets all its lines or none.
          const settled = new Map<Pending, Settled>();
          const created: PreparedOrder[] = [];
          for (const p of batch) {
            const first = earlier.get(keyOf(p.req));
            const to = address.get(p.req.addressId);
            const lines = p.wanted.map((w) => ({ ...w, name: nameOf(w.skuId) }));
            if (first) settled.set(p, { ok: true, outcome: { kind: "earlier", order: first } });
            else if (cleanupPending.has(p.req.userId)) settled.set(p, { ok: true, outcome: { kind: "cleanup-first" } });
            else if (!to || to.userId !== p.req.userId) settled.set(p, { ok: false, error: new AppError("ADDRESS_NOT_FOUND") });
            else if (!lines.every((l) => (left.get(l.skuId) ?? 0) >= l.count)) {
              const available = new Map(lines.map((l) => [l.skuId, left.get(l.skuId) ?? 0]));
              settled.set(p, { ok: false, error: outOfStockError(lines, available) });
            } else {
              for (const l of lines) left.set(l.skuId, left.get(l.skuId)! - l.count);
              const prepared = buildOrder(p.req, to, lines.map((l) => ({ ...l, price: price.get(l.skuId)! })), "batched");
              created.push(prepared);
              settled.set(p, { ok: true, outcome: { kind: "created", prepared } });
            }
          }

          if (created.length > 0) {
            try {
              // Flagged until its cart is cleaned (afterCommit), so a lost COMMIT reply or a crash
              // right after the commit still gets the bought lines taken out of the cart later.
              await tx.insert(orders).values(created.map((o) => ({ ...o.header, cartCleanupPending: true })));
            } catch (e) {
              if (sqlErrno(e) === ER_DUP_ENTRY) throw new DuplicateKey();
              throw e;
            }
            await tx.insert(orderLines).values(created.flatMap(lineRowsOf));
            const taken = new Map<number, number>();
            for (const o of created) for (const l of o.lines) taken.set(l.skuId, (taken.get(l.skuId) ?? 0) + l.count);
            for (const [skuId, n] of taken) {
              // Still `stock - n`, never a computed value: the CHECK stays the last defence.
              await tx
                .update(skus)
                .set({ stock: sql`${skus.stock} - ${n}`, sales: sql`${skus.sales} + ${n}` })
                .where(eq(skus.id, skuId));
            }
          }
          await batchTestHooks.beforeCommit?.(attempt);
          const emptied = skuIds.filter((id) => left.get(id) === 0).map((skuId) => ({ skuId, name: nameOf(skuId) }));
          return { settled, emptied };
        },
        { isolationLevel: "read committed" },
      );
    },
    (e) => e instanceof DuplicateKey,
  );
}
