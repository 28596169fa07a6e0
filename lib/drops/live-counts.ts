import "server-only";
import { log } from "@/lib/platform/log";
import { getRedis, type RedisClient } from "@/lib/platform/redis";
import { env } from "@/lib/platform/env";
import { tracked } from "@/lib/platform/shutdown";
import { latencyBucket, type DropOutcome, DROP_OUTCOMES } from "./live-series";

/**
 * The checkout's side of the drop view: every answered checkout is counted, per SKU line of its
 * cart, into per-second buckets in Redis (`{drop:<skuId>}:s:<epoch second>`, one hash per SKU
 * and second: `o:<outcome>` answers, `u` units sold, `l:<i>` latency histogram buckets), a
 * totals hash (`{drop:<skuId>}:totals`) and the first and last sale (`{drop:<skuId}:marks`, a
 * sorted set). Every key of one SKU shares a hash tag, so one SKU's flush is one pipeline on one
 * cluster node. Keys expire RETENTION_S after their last write.
 *
 * The hot path only adds to a map in this process; a flush leaves at most FLUSH_MS later, off
 * the response path, as one pipeline per SKU. A pending flush counts as in-flight work, so a
 * graceful stop waits for it. A failed flush loses those counts (logged) and never a checkout.
 */

export const RETENTION_S = 24 * 3600;
const FLUSH_MS = 200;

export const secondKey = (skuId: number, second: number) => `{drop:${skuId}}:s:${second}`;
export const totalsKey = (skuId: number) => `{drop:${skuId}}:totals`;
export const marksKey = (skuId: number) => `{drop:${skuId}}:marks`;
/** The shoppers who had an answer for the SKU in that second (a set of user ids), for the record's conversion. */
export const shoppersKey = (skuId: number, second: number) => `{drop:${skuId}}:u:${second}`;
/** Every SKU with answers, scored by its newest second: where the recorder (recorder.ts) looks. */
export const ACTIVE_KEY = "drops:active";

type Pending = {
  /** skuId -> second -> field -> count */
  counts: Map<number, Map<number, Map<string, number>>>;
  /** skuId -> [first, last] sale, epoch ms */
  sales: Map<number, [number, number]>;
  /** skuId -> second -> user ids (only with the record on) */
  shoppers: Map<number, Map<number, Set<number>>>;
  flushScheduled: boolean;
};

// On globalThis: every bundle of Next's server in this process adds to one map and one flush.
const shared = globalThis as unknown as { stockroomDropCounts?: Pending };
const pending = () => (shared.stockroomDropCounts ??= { counts: new Map(), sales: new Map(), shoppers: new Map(), flushScheduled: false });

const recordOn = () => env().DROP_RECORD === "1";

const outcomeOf = (outcome: string): DropOutcome => ((DROP_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as DropOutcome) : "other");

function add(fields: Map<string, number>, field: string, n: number) {
  fields.set(field, (fields.get(field) ?? 0) + n);
}

/**
 * One answered checkout: `outcome` as placeOrder names it, for each of the cart's lines (a
 * checkout refused before its cart was read has none and is not counted); `units` sold only
 * when it created an order.
 */
export function countCheckout(lines: readonly { skuId: number; count: number }[] | undefined, outcome: string, ms: number, userId?: number, at = Date.now()) {
  if (!lines || lines.length === 0) return;
  const state = pending();
  const second = Math.floor(at / 1000);
  const o = `o:${outcomeOf(outcome)}`;
  const l = `l:${latencyBucket(ms)}`;
  for (const { skuId, count } of lines) {
    let seconds = state.counts.get(skuId);
    if (!seconds) state.counts.set(skuId, (seconds = new Map()));
    let fields = seconds.get(second);
    if (!fields) seconds.set(second, (fields = new Map()));
    add(fields, o, 1);
    add(fields, l, 1);
    if (userId !== undefined && recordOn()) {
      let bySecond = state.shoppers.get(skuId);
      if (!bySecond) state.shoppers.set(skuId, (bySecond = new Map()));
      let users = bySecond.get(second);
      if (!users) bySecond.set(second, (users = new Set()));
      users.add(userId);
    }
    if (outcome === "created") {
      add(fields, "u", count);
      const seen = state.sales.get(skuId);
      state.sales.set(skuId, seen ? [Math.min(seen[0], at), Math.max(seen[1], at)] : [at, at]);
    }
  }
  if (!state.flushScheduled) {
    state.flushScheduled = true;
    // The client of now: a process that closes Redis before the flush (a script ending without
    // waiting for idle) gets a logged failure, not a reopened client that keeps it alive.
    const redis = getRedis();
    void tracked(() => new Promise((r) => setTimeout(r, FLUSH_MS)).then(() => flushDropCounts(redis))).catch((err: unknown) => log.warn({ err }, "could not record the drop view's counts"));
  }
}

/** Sends every pending count to Redis now (also what the scheduled flush runs). */
export async function flushDropCounts(redis: RedisClient = getRedis()): Promise<void> {
  const state = pending();
  state.flushScheduled = false;
  const { counts, sales, shoppers } = state;
  if (counts.size === 0) return;
  state.counts = new Map();
  state.sales = new Map();
  state.shoppers = new Map();
  const newest: (string | number)[] = [];
  await Promise.all(
    [...counts].map(async ([skuId, seconds]) => {
      const p = redis.pipeline();
      const totals = new Map<string, number>();
      for (const [second, fields] of seconds) {
        const key = secondKey(skuId, second);
        for (const [field, n] of fields) {
          p.hincrby(key, field, n);
          if (!field.startsWith("l:")) add(totals, field, n);
        }
        p.expire(key, RETENTION_S);
      }
      for (const [second, users] of shoppers.get(skuId) ?? []) {
        p.sadd(shoppersKey(skuId, second), ...users);
        p.expire(shoppersKey(skuId, second), RETENTION_S);
      }
      const first = Math.min(...seconds.keys());
      newest.push(Math.max(...seconds.keys()), skuId);
      // The drop's first answer: where the record starts (recorder.ts).
      p.zadd(marksKey(skuId), "LT", first, "firstAnswer");
      for (const [field, n] of totals) p.hincrby(totalsKey(skuId), field, n);
      p.expire(totalsKey(skuId), RETENTION_S);
      const sold = sales.get(skuId);
      if (sold) {
        // GT / LT: whichever process flushes last, the marks keep the earliest and the latest sale.
        p.zadd(marksKey(skuId), "LT", sold[0], "firstSale");
        p.zadd(marksKey(skuId), "GT", sold[1], "lastSale");
        p.expire(marksKey(skuId), RETENTION_S);
      }
      try {
        const results = await p.exec();
        const failed = results?.find(([err]) => err);
        if (failed) throw failed[0];
      } catch (err) {
        log.warn({ err, skuId }, "could not record the drop view's counts");
      }
    }),
  );
  // Its own command: in a Redis Cluster this key lives on another node than the SKUs' keys.
  if (recordOn()) await redis.zadd(ACTIVE_KEY, "GT", ...newest).catch((err: unknown) => log.warn({ err }, "could not mark the drops active"));
}
