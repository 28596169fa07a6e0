import "server-only";
import { getRedis } from "@/lib/platform/redis";
import { luaScript, runScript } from "@/lib/platform/redis-script";

/**
 * Fixed-window counters in Redis, one key per counter. Each key is its own hash tag
 * (`throttle:{...}`), so a script never spans two slots in Redis Cluster; callers that check
 * several counters send one command per key.
 */
export const throttleKey = (name: string) => `throttle:{${name}}`;

// The count, then the seconds the window has left; the window starts at the first hit.
const HIT = luaScript<[number, number]>(
  `local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return {count, redis.call('TTL', KEYS[1])}`,
  1,
);

/** Adds one to a counter (one command: every checkout takes a slot). Returns the new count and seconds left. */
export async function hit(key: string, windowSeconds: number): Promise<{ count: number; ttl: number }> {
  const [count, ttl] = await runScript(getRedis(), HIT, key, windowSeconds);
  return { count, ttl: ttl > 0 ? ttl : windowSeconds };
}

// Only while the window lasts: a DECR on a key that expired would create one without a TTL.
const GIVE_BACK = luaScript<number>("if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0", 1);

/** Takes one hit back, if the counter's window is still open. */
export async function giveBack(key: string) {
  await runScript(getRedis(), GIVE_BACK, key);
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
const RECORD_FAILURE = luaScript<number>(
  `redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`,
  1,
);

export async function recordFailure(key: string, windowSeconds: number) {
  await runScript(getRedis(), RECORD_FAILURE, key, Date.now(), windowSeconds);
}

export async function readFailures(key: string): Promise<Failures> {
  const [count, last] = await getRedis().hmget(key, "count", "last");
  return { count: Number(count ?? 0), lastMs: Number(last ?? 0) };
}

export const clearFailures = reset;
