import "server-only";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { affectedRows, getDb } from "@/db";
import { dropRecords, dropSeconds, dropShoppers, skus, type DropRecord } from "@/db/schema";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { getRedis } from "@/lib/platform/redis";
import { ACTIVE_KEY, marksKey, RETENTION_S } from "./live-counts";
import { noOutcomes } from "./live-series";
import { collectSeconds, stockOf, unitsBySecond } from "./record-source";
import { toRow } from "./record-series";

/**
 * The drop's recorder: moves every completed second of a drop from Redis (the answers and the
 * latency of every process, live-counts.ts) and the orders (the units) into MariaDB, once.
 *
 * Exactly once, across processes and restarts: `drop_records.recorded_through` is the last second
 * stored. A pass takes the seconds after it up to `now - grace` and, in one transaction, first
 * moves `recorded_through` forward with a conditional UPDATE (`WHERE recorded_through = <what it
 * read>`), then inserts their rows. A second recorder on the same seconds waits on that row's lock
 * and then updates nothing, so it rolls back and inserts nothing; a crash before the commit
 * leaves neither the rows nor the cursor. The primary key (sku_id, second) is the second guard:
 * a row inserted twice is a no-op (ON DUPLICATE KEY UPDATE of nothing).
 *
 * A drop starts at its first answered checkout and ends when it has been quiet for a while
 * (sooner once sold out); then its units are checked once more against the orders (an order that
 * committed after the grace period is added to its second), and a later answer opens it again.
 */

export type RecordOptions = {
  /** Epoch ms the pass runs at. */
  now?: number;
  /** Seconds a second is left to settle (every process's flush, a slow commit) before it is stored. */
  graceS?: number;
  /** Quiet seconds that end a drop that has stock left; a sold-out one ends after graceS + SOLD_OUT_QUIET_S. */
  quietS?: number;
  /** Most seconds one pass stores per SKU (a catch-up after downtime takes several passes). */
  maxSeconds?: number;
};

export const GRACE_S = 10;
const QUIET_S = 300;
const SOLD_OUT_QUIET_S = 30;
const MAX_SECONDS = 900;

export type RecordReport = { skus: number; seconds: number; ended: number };

/** One pass over every drop with answers in Redis, or still open in MariaDB. */
export async function recordDrops(options: RecordOptions = {}): Promise<RecordReport> {
  const now = options.now ?? Date.now();
  const nowS = Math.floor(now / 1000);
  const redis = getRedis();
  // Newest answer second per SKU; SKUs quiet for longer than the counts are kept are forgotten.
  await redis.zremrangebyscore(ACTIVE_KEY, "-inf", `(${nowS - RETENTION_S}`);
  const flat = await redis.zrange(ACTIVE_KEY, "0", "-1", "WITHSCORES");
  const newest = new Map<number, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) newest.set(Number(flat[i]), Number(flat[i + 1]));
  const db = getDb();
  const ids = [...newest.keys()];
  const records = await db
    .select()
    .from(dropRecords)
    .where(ids.length > 0 ? or(isNull(dropRecords.endedAt), inArray(dropRecords.skuId, ids)) : isNull(dropRecords.endedAt));
  const bySku = new Map(records.map((r) => [r.skuId, r]));
  for (const id of ids) if (!bySku.has(id)) bySku.set(id, null as unknown as DropRecord);
  const report: RecordReport = { skus: 0, seconds: 0, ended: 0 };
  for (const [skuId, record] of bySku) {
    try {
      const done = await recordSku(skuId, record ?? null, newest.get(skuId) ?? null, nowS, now, options);
      if (done.touched) report.skus += 1;
      report.seconds += done.seconds;
      if (done.ended) report.ended += 1;
    } catch (err) {
      log.warn({ err, skuId }, "could not record the drop's seconds");
    }
  }
  return report;
}

async function recordSku(skuId: number, found: DropRecord | null, newestAnswer: number | null, nowS: number, now: number, options: RecordOptions) {
  const graceS = options.graceS ?? GRACE_S;
  const db = getDb();
  // An ended drop with no newer answer: nothing to do (no query).
  if (found?.endedAt && (newestAnswer === null || newestAnswer <= found.lastAnswerSecond)) return { touched: false, seconds: 0, ended: false };
  let record = found;
  if (!record) {
    const sku = (await db.select({ launch: skus.saleStartsAt, limit: skus.perCustomerLimit }).from(skus).where(eq(skus.id, skuId)).limit(1))[0];
    // Only drops are recorded: a SKU with a launch time or a per-customer limit.
    if (!sku || (sku.launch === null && sku.limit === null)) {
      await getRedis().zrem(ACTIVE_KEY, String(skuId));
      return { touched: false, seconds: 0, ended: false };
    }
    const mark = await getRedis().zscore(marksKey(skuId), "firstAnswer");
    // From a grace period before the first answer: an order's second is its draft's (created_at),
    // which comes before its answer by the checkout's duration.
    const first = Math.min(Number(mark ?? newestAnswer), newestAnswer ?? Infinity) - graceS;
    await db
      .insert(dropRecords)
      .values({ skuId, firstSecond: first, recordedThrough: first - 1, lastAnswerSecond: newestAnswer ?? first })
      .onDuplicateKeyUpdate({ set: { skuId: sql`${dropRecords.skuId}` } });
    record = (await db.select().from(dropRecords).where(eq(dropRecords.skuId, skuId)).limit(1))[0]!;
  }
  const lastAnswer = Math.max(record.lastAnswerSecond, newestAnswer ?? 0);
  if (record.endedAt) {
    // A new answer after the end: the same drop goes on (its seconds in between were quiet).
    await db.update(dropRecords).set({ endedAt: null, lastAnswerSecond: lastAnswer }).where(and(eq(dropRecords.skuId, skuId), eq(dropRecords.lastAnswerSecond, record.lastAnswerSecond)));
  }
  const cursor = record.recordedThrough;
  const horizon = Math.min(nowS - graceS, cursor + (options.maxSeconds ?? MAX_SECONDS));
  let stored = 0;
  const stock = await stockOf(skuId);
  if (stock === null) return { touched: false, seconds: 0, ended: false };
  if (horizon > cursor) {
    const { seconds, shoppers } = await collectSeconds(skuId, cursor + 1, horizon, stock, nowS);
    const moved = await db.transaction(
      async (tx) => {
        const advanced = affectedRows(
          await tx
            .update(dropRecords)
            .set({ recordedThrough: horizon, lastAnswerSecond: sql`GREATEST(${dropRecords.lastAnswerSecond}, ${lastAnswer})` })
            .where(and(eq(dropRecords.skuId, skuId), eq(dropRecords.recordedThrough, cursor))),
        );
        if (advanced === 0) return 0; // another recorder stored these seconds first
        if (seconds.length > 0) {
          await tx
            .insert(dropSeconds)
            .values(seconds.map((s) => ({ skuId, ...toRow(s) })))
            .onDuplicateKeyUpdate({ set: { skuId: sql`${dropSeconds.skuId}` } });
        }
        const users = [...new Set([...shoppers.values()].flat())];
        if (users.length > 0) {
          await tx
            .insert(dropShoppers)
            .values(users.map((userId) => ({ skuId, userId })))
            .onDuplicateKeyUpdate({ set: { skuId: sql`${dropShoppers.skuId}` } });
        }
        return seconds.length;
      },
      { isolationLevel: "read committed" },
    );
    stored = moved;
  } else if (lastAnswer > record.lastAnswerSecond) {
    await db.update(dropRecords).set({ lastAnswerSecond: sql`GREATEST(${dropRecords.lastAnswerSecond}, ${lastAnswer})` }).where(eq(dropRecords.skuId, skuId));
  }
  const through = Math.max(cursor, horizon);
  const quiet = nowS - lastAnswer >= (stock === 0 ? graceS + SOLD_OUT_QUIET_S : (options.quietS ?? QUIET_S));
  let ended = false;
  if (quiet && through >= lastAnswer) ended = await endDrop(skuId, record.firstSecond, through, now);
  return { touched: true, seconds: stored, ended };
}

/**
 * The drop is over: each stored second's units are set to the orders created in it (an order
 * that committed after the grace period is counted now, a second with only such an order is
 * added), then the drop is marked ended. Setting a value read from the orders is idempotent.
 */
async function endDrop(skuId: number, first: number, through: number, now: number): Promise<boolean> {
  const db = getDb();
  const units = await unitsBySecond(skuId, first);
  const stored = await db.select({ second: dropSeconds.second, units: dropSeconds.units, stockLeft: dropSeconds.stockLeft }).from(dropSeconds).where(eq(dropSeconds.skuId, skuId));
  const have = new Map(stored.map((r) => [r.second, r]));
  const stock = (await stockOf(skuId)) ?? 0;
  let after = 0;
  for (const [t, n] of units) if (t > through) after += n;
  const seconds = [...new Set([...units.keys(), ...have.keys()])].filter((t) => t <= through).sort((a, b) => b - a);
  for (const t of seconds) {
    const want = units.get(t) ?? 0;
    const row = have.get(t);
    if (!row) {
      const empty = { t, units: want, outcomes: noOutcomes(), latency: [], stockLeft: stock + after };
      await db
        .insert(dropSeconds)
        .values({ skuId, ...toRow(empty) })
        .onDuplicateKeyUpdate({ set: { units: want } });
    } else if (row.units !== want) {
      await db.update(dropSeconds).set({ units: want }).where(and(eq(dropSeconds.skuId, skuId), eq(dropSeconds.second, t)));
    }
    after += want;
  }
  const done = affectedRows(await db.update(dropRecords).set({ endedAt: new Date(now) }).where(and(eq(dropRecords.skuId, skuId), isNull(dropRecords.endedAt))));
  if (done > 0) log.info({ skuId }, "the drop's record is complete");
  return done > 0;
}

/**
 * Between passes. Each pass stores every settled second since the last, so a longer interval
 * costs nothing in exactness, only a later record (already GRACE_S behind), and a pass's fixed
 * cost (about ten round trips) is paid once per interval (docs/benchmarks.md, "The drop's record").
 */
export const RECORD_INTERVAL_MS = 5_000;

const shared = globalThis as unknown as { stockroomDropRecorder?: NodeJS.Timeout };
const LOCK_KEY = "drops:recorder";

/**
 * Records every `intervalMs` in this process while DROP_RECORD=1. Every process runs it; a Redis
 * key taken with SET NX for one interval lets one of them do each pass (the others skip it), so
 * the database is not asked the same thing by every worker. Correctness never rests on that key.
 */
export function startDropRecorder(intervalMs = RECORD_INTERVAL_MS): boolean {
  if (env().DROP_RECORD !== "1" || shared.stockroomDropRecorder) return false;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    getRedis()
      .set(LOCK_KEY, String(process.pid), "PX", Math.max(100, intervalMs - 50), "NX")
      .then((taken) => (taken ? recordDrops() : null))
      .catch((err: unknown) => log.warn({ err }, "the drop recorder's pass failed"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  shared.stockroomDropRecorder = timer;
  return true;
}

export function stopDropRecorder() {
  clearInterval(shared.stockroomDropRecorder);
  shared.stockroomDropRecorder = undefined;
}
