import "server-only";
import { getRedis } from "@/lib/platform/redis";

/**
 * Fixed-window counters in Redis, one key per counter. Each key is its own hash tag
 * (`throttle:{...}`), so a MULTI never spans two slots in Redis Cluster; callers that check
 * several counters send one command per key.
 */
export const throttleKey = (name: string) => `throttle:{${name}}`;

/** Adds one to a counter; the window starts at the first hit (`EXPIRE ... NX`). Returns the new count and seconds left. */
export async function hit(key: string, windowSeconds: number): Promise<{ count: number; ttl: number }> {
  const results = await getRedis().multi().incr(key).expire(key, windowSeconds, "NX").ttl(key).exec();
  if (!results) throw new Error(`rate limit MULTI on ${key} was aborted`);
  for (const [err] of results) if (err) throw err;
  const count = Number(results[0]![1]);
  const ttl = Number(results[2]![1]);
  return { count, ttl: ttl > 0 ? ttl : windowSeconds };
}

// Only while the window lasts: a DECR on a key that expired would create one without a TTL.
const GIVE_BACK = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0";

/** Takes one hit back, if the counter's window is still open. */
export async function giveBack(key: string) {
  await getRedis().eval(GIVE_BACK, 1, key);
}

/** Reads a counter without changing it. */
export async function peek(key: string): Promise<{ count: number; ttl: number }> {
  const [count, ttl] = await Promise.all([getRedis().get(key), getRedis().ttl(key)]);
  return { count: Number(count ?? 0), ttl: ttl > 0 ? ttl : 1 };
}

export async function reset(key: string) {
  await getRedis().del(key);
}

/** Failures on one counter: how many, and when the last one was (ms since the epoch). */
export type Failures = { count: number; lastMs: number };

// One hash per counter, so the count and the time of the last failure move together; the key
// lives `window` seconds past the last failure.
const RECORD_FAILURE = `
redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

export async function recordFailure(key: string, windowSeconds: number) {
  await getRedis().eval(RECORD_FAILURE, 1, key, String(Date.now()), String(windowSeconds));
}

export async function readFailures(key: string): Promise<Failures> {
  const [count, last] = await getRedis().hmget(key, "count", "last");
  return { count: Number(count ?? 0), lastMs: Number(last ?? 0) };
}

export const clearFailures = reset;
