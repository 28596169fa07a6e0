import { asc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders, skus } from "@/db/schema";
import { recordBatch } from "./metrics";
import { lineRowsOf, outOfStockError, type PreparedOrder } from "./outcomes";
import { retryOnContention } from "./retry";
import { markSoldOut } from "./soldout";

/**
 * Hot-SKU order combining. Concurrent checkouts in this process queue here; one batch at a time
 * runs one READ COMMITTED transaction for up to MAX_BATCH orders, so a hot row is locked and its
 * commit flushed once per batch instead of once per order. There is no timer: a batch leaves as
 * soon as the previous one committed, so a lone order waits for nothing. Correctness stays in the
 * database: the batch locks its SKU rows (ascending id, FOR UPDATE) before allocating, which also
 * orders batches from other server processes.
 */
export const MAX_BATCH = 64;

type Outcome = "created" | "duplicate";
type Pending = { prepared: PreparedOrder; stats?: { attempts: number }; resolve: (o: Outcome) => void; reject: (e: unknown) => void };

const state = ((globalThis as unknown as { stockroomBatcher?: { queue: Pending[]; running: boolean } }).stockroomBatcher ??= {
  queue: [],
  running: false,
});

/** Test seam: runs inside the batch transaction just before COMMIT. */
export const batchTestHooks: { beforeCommit?: (attempt: number) => void | Promise<void> } = {};

/** Resolves once no batch is running or queued, including its after-commit work (for shutdown). */
export async function batchesDrained() {
  while (state.running || state.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
}

/** Orders waiting for the next batch (for tests and diagnostics). */
export const queuedOrders = () => state.queue.length;

/** `stats.attempts` learns how many transaction attempts the order's batch took (for the checkout log). */
export function submitToBatch(prepared: PreparedOrder, stats?: { attempts: number }): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    state.queue.push({ prepared, stats, resolve, reject });
    if (!state.running) void drain();
  });
}

async function drain() {
  state.running = true;
  try {
    while (state.queue.length > 0) await runBatch(state.queue.splice(0, MAX_BATCH));
  } finally {
    state.running = false;
  }
}

const keyOf = (p: Pending) => `${p.prepared.header.userId}\u0000${p.prepared.header.idempotencyKey}`;

type Result = { created: Pending[]; duplicates: Pending[]; short: { p: Pending; available: Map<number, number> }[]; emptied: number[] };

async function runBatch(batch: Pending[]) {
  recordBatch(batch.length);
  // Two requests with one idempotency key in a batch: only the first is written; the other
  // follows its outcome (and is answered with the same order).
  const leaders = new Map<string, Pending>();
  const followers: Pending[] = [];
  for (const p of batch) {
    if (leaders.has(keyOf(p))) followers.push(p);
    else leaders.set(keyOf(p), p);
  }
  const first = [...leaders.values()];

  let result: Result;
  try {
    result = await commitBatch(first);
  } catch (e) {
    for (const p of batch) p.reject(e);
    return;
  }
  for (const p of result.created) p.resolve("created");
  for (const p of result.duplicates) p.resolve("duplicate");
  for (const { p, available } of result.short) p.reject(outOfStockError(p.prepared.lines, available));
  for (const f of followers) {
    const leader = leaders.get(keyOf(f))!;
    const short = result.short.find((s) => s.p === leader);
    if (short) f.reject(outOfStockError(f.prepared.lines, short.available));
    else f.resolve("duplicate");
  }
  await markSoldOut(result.emptied);
}

async function commitBatch(batch: Pending[]): Promise<Result> {
  return retryOnContention("checkout (batched)", (attempt) => {
    for (const p of batch) if (p.stats) p.stats.attempts = attempt;
    return getDb().transaction(
        async (tx) => {
          const skuIds = [...new Set(batch.flatMap((p) => p.prepared.lines.map((l) => l.skuId)))].sort((a, b) => a - b);
          const rows = await tx
            .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale })
            .from(skus)
            .where(inArray(skus.id, skuIds))
            .orderBy(asc(skus.id))
            .for("update");
          const left = new Map(rows.map((r) => [r.id, r.onSale ? r.stock : 0]));

          // Arrival order; an order gets all its lines or none.
          const allocated: Pending[] = [];
          const short: Result["short"] = [];
          for (const p of batch) {
            if (p.prepared.lines.every((l) => (left.get(l.skuId) ?? 0) >= l.count)) {
              for (const l of p.prepared.lines) left.set(l.skuId, left.get(l.skuId)! - l.count);
              allocated.push(p);
            } else short.push({ p, available: new Map(p.prepared.lines.map((l) => [l.skuId, left.get(l.skuId) ?? 0])) });
          }

          let created: Pending[] = [];
          let duplicates: Pending[] = [];
          if (allocated.length > 0) {
            // A key already used (by another process's request, say) is skipped, not an error.
            await tx
              .insert(orders)
              .values(allocated.map((p) => p.prepared.header))
              .onDuplicateKeyUpdate({ set: { id: sql`${orders.id}` } });
            const written = new Set(
              (await tx.select({ id: orders.id }).from(orders).where(inArray(orders.id, allocated.map((p) => p.prepared.header.id)))).map((r) => r.id),
            );
            created = allocated.filter((p) => written.has(p.prepared.header.id));
            duplicates = allocated.filter((p) => !written.has(p.prepared.header.id));
            for (const p of duplicates) for (const l of p.prepared.lines) left.set(l.skuId, left.get(l.skuId)! + l.count);
          }
          if (created.length > 0) {
            await tx.insert(orderLines).values(created.flatMap((p) => lineRowsOf(p.prepared)));
            const taken = new Map<number, number>();
            for (const p of created) for (const l of p.prepared.lines) taken.set(l.skuId, (taken.get(l.skuId) ?? 0) + l.count);
            for (const [skuId, n] of taken) {
              // Still `stock - n`, never a computed value: the CHECK stays the last defence.
              await tx
                .update(skus)
                .set({ stock: sql`${skus.stock} - ${n}`, sales: sql`${skus.sales} + ${n}` })
                .where(eq(skus.id, skuId));
            }
          }
          await batchTestHooks.beforeCommit?.(attempt);
          const emptied = skuIds.filter((id) => left.get(id) === 0);
          return { created, duplicates, short, emptied };
        },
        { isolationLevel: "read committed" },
      );
  });
}
