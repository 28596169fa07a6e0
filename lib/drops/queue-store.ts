import "server-only";
import { getRedis } from "@/lib/platform/redis";
import { luaScript, runScript, type LuaScript } from "@/lib/platform/redis-script";

/**
 * A drop's waiting room in Redis, every key under the SKU's hash tag `wr:{sku:<id>}` (one
 * cluster slot, so each script is atomic on the cluster rig too). The clock is Redis's (TIME),
 * so every app process computes the same "now serving". Keys:
 *   :state   hash: state (upcoming|open|closed), issued (last ticket), serving, servedAt (ms the
 *            serving number was last moved to), openedAt, closedAt, prequeued, admitted, used, expired
 *   :tickets hash: user id -> ticket (0 while in the prequeue, before the launch's shuffle)
 *   :pre     list: the prequeue's user ids in arrival order (shuffled once, at the launch)
 *   :live    zset: admitted tickets whose pass is neither used nor expired, scored by expiry (ms)
 *   :joined  hash: ticket -> ms it joined (the launch for the prequeue), until it is admitted
 *   :waits   list: seconds each admitted ticket waited, newest first (the last 10,000)
 *   :used    hash: ticket -> the checkout that used its pass (`<userId>:<idempotency key>`)
 *   :handed  hash: ticket -> ms its pass was first handed out (`me`), paced by the bucket below
 * Each write keeps every key for 7 days after the drop's last write.
 */
const keysOf = (skuId: number) => ["state", "tickets", "pre", "live", "joined", "waits", "used", "handed"].map((k) => `wr:{sku:${skuId}}:${k}`);

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function keep()
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], 604800) end
end
-- Moves "now serving" on to now: rate per second since the last move, plus one for every pass
-- that expired unused, never past the last ticket issued (no credit piles up while nobody waits).
-- Each newly admitted ticket's pass runs from now for passMs; its wait is recorded.
local function advance(now, rate, passMs)
  local s = redis.call('HMGET', KEYS[1], 'state', 'issued', 'serving', 'servedAt')
  local state = s[1] or 'upcoming'
  local issued = tonumber(s[2]) or 0
  local serving = tonumber(s[3]) or 0
  if state ~= 'open' then return state, issued, serving end
  local servedAt = tonumber(s[4]) or now
  local before = serving
  local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 1000)
  for _, t in ipairs(expired) do redis.call('ZREM', KEYS[4], t) end
  if #expired > 0 then redis.call('HINCRBY', KEYS[1], 'expired', #expired) end
  serving = serving + #expired
  local add = math.floor((now - servedAt) * rate / 1000)
  if add > 0 then
    serving = serving + add
    servedAt = servedAt + math.floor(add * 1000 / rate)
  end
  if serving >= issued then
    serving = issued
    servedAt = now
  end
  for t = before + 1, serving do
    redis.call('ZADD', KEYS[4], now + passMs, t)
    local joined = redis.call('HGET', KEYS[5], t)
    if joined then
      redis.call('LPUSH', KEYS[6], math.max(0, now - tonumber(joined)) / 1000)
      redis.call('HDEL', KEYS[5], t)
    end
  end
  if serving > before then
    redis.call('LTRIM', KEYS[6], 0, 9999)
    redis.call('HINCRBY', KEYS[1], 'admitted', serving - before)
  end
  redis.call('HSET', KEYS[1], 'serving', serving, 'servedAt', servedAt)
  return state, issued, serving
end
`;

const SCRIPTS = {
  // ARGV: user, rate, passMs, launchAt (ms). -> { outcome, ticket, serving, now, prequeued }
  wrJoin: `${PRELUDE}
local now = now_ms()
local state, issued, serving = advance(now, tonumber(ARGV[2]), tonumber(ARGV[3]))
if state == 'closed' then return {'closed', 0, serving, now, 0} end
local t = redis.call('HGET', KEYS[2], ARGV[1])
if t then return {'already', tonumber(t), serving, now, redis.call('LLEN', KEYS[3])} end
if state == 'upcoming' then
  if now >= tonumber(ARGV[4]) then return {'shuffle', 0, 0, now, 0} end
  local n = redis.call('RPUSH', KEYS[3], ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], 0)
  keep()
  return {'joined', 0, 0, now, n}
end
issued = redis.call('HINCRBY', KEYS[1], 'issued', 1)
redis.call('HSET', KEYS[2], ARGV[1], issued)
redis.call('HSET', KEYS[5], issued, now)
keep()
return {'joined', issued, serving, now, 0}`,
  // ARGV: launchAt, then the prequeue's user ids in their shuffled order.
  // 1 done; 0 already shuffled (or closed); -1 the prequeue changed since it was read; -2 too early.
  wrShuffle: `${PRELUDE}
local s = redis.call('HGET', KEYS[1], 'state')
if s and s ~= 'upcoming' then return 0 end
local launch = tonumber(ARGV[1])
if now_ms() < launch then return -2 end
if redis.call('LLEN', KEYS[3]) ~= #ARGV - 1 then return -1 end
for i = 2, #ARGV do
  redis.call('HSET', KEYS[2], ARGV[i], i - 1)
  redis.call('HSET', KEYS[5], i - 1, launch)
end
redis.call('HSET', KEYS[1], 'state', 'open', 'issued', #ARGV - 1, 'serving', 0, 'servedAt', launch, 'openedAt', launch, 'prequeued', #ARGV - 1)
keep()
return 1`,
  // ARGV: rate, passMs. -> { state, issued, serving, now, closedAt, prequeued }
  wrStatus: `${PRELUDE}
local now = now_ms()
local state, issued, serving = advance(now, tonumber(ARGV[1]), tonumber(ARGV[2]))
local closedAt = redis.call('HGET', KEYS[1], 'closedAt') or 0
return {state, issued, serving, now, tonumber(closedAt), redis.call('LLEN', KEYS[3])}`,
  // ARGV: user, rate, passMs. -> { state, ticket, serving, now, passExpiresAt, prequeued }
  wrMe: `${PRELUDE}
local now = now_ms()
local state, issued, serving = advance(now, tonumber(ARGV[2]), tonumber(ARGV[3]))
local t = redis.call('HGET', KEYS[2], ARGV[1])
if not t then return {state, -1, serving, now, 0, 0} end
t = tonumber(t)
-- A pass that bought its order says so, also once the sell-out closed the line.
if t > 0 and t <= serving and redis.call('HEXISTS', KEYS[7], t) == 1 then return {'used', t, serving, now, 0, 0} end
if state ~= 'open' or t > serving then return {state, t, serving, now, 0, redis.call('LLEN', KEYS[3])} end
local exp = redis.call('ZSCORE', KEYS[4], t)
if not exp then return {'expired', t, serving, now, 0, 0} end
if redis.call('HEXISTS', KEYS[8], t) == 0 then
  -- First passes go out at the owner's rate at most (a bucket holding one second's worth), so
  -- shoppers who learn late that they are in (a crowd all asking at the launch) do not all check
  -- out in the same second: 'next' says "you are in, your pass comes in a moment".
  local rate = tonumber(ARGV[2])
  local cap = math.max(1, rate)
  local b = redis.call('HMGET', KEYS[1], 'tokens', 'tokensAt')
  local tokens = math.min(cap, (tonumber(b[1]) or cap) + (now - (tonumber(b[2]) or now)) * rate / 1000)
  if tokens < 1 then
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'tokensAt', now)
    return {'next', t, serving, now, 0, 0}
  end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'tokensAt', now)
  redis.call('HSET', KEYS[8], t, now)
  keep()
end
return {'admitted', t, serving, now, tonumber(exp), 0}`,
  // ARGV: ticket, holder. 1: the pass is this holder's to buy with (claimed now or by this same checkout before); 0: used by another.
  wrClaim: `${PRELUDE}
local held = redis.call('HGET', KEYS[7], ARGV[1])
if held then return held == ARGV[2] and 1 or 0 end
redis.call('HSET', KEYS[7], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'used', 1)
keep()
return 1`,
  // ARGV: ticket, holder, pass expiry (ms). A claim whose checkout failed: the pass may be used again until it expires.
  wrRelease: `${PRELUDE}
if redis.call('HGET', KEYS[7], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[7], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'used', -1)
if tonumber(ARGV[3]) > now_ms() then redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1]) end
return 1`,
  // A closed line whose SKU has stock again (a restock, a cancelled order): open again, or upcoming if it never opened. 1 when reopened.
  wrReopen: `${PRELUDE}
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' then return 0 end
local opened = redis.call('HGET', KEYS[1], 'openedAt')
redis.call('HSET', KEYS[1], 'state', opened and 'open' or 'upcoming', 'servedAt', now_ms())
redis.call('HDEL', KEYS[1], 'closedAt')
keep()
return 1`,
  // 1 when this call closed it.
  wrClose: `${PRELUDE}
if redis.call('HGET', KEYS[1], 'state') == 'closed' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'closed', 'closedAt', now_ms())
keep()
return 1`,
} as const;

const queueScripts = Object.fromEntries(Object.entries(SCRIPTS).map(([name, lua]) => [name, luaScript<unknown>(lua, 8)])) as Record<keyof typeof SCRIPTS, LuaScript<unknown>>;
const run = (name: keyof typeof SCRIPTS, skuId: number, ...args: (string | number)[]) => runScript(getRedis(), queueScripts[name], ...keysOf(skuId), ...args);

export type QueueState = "upcoming" | "open" | "closed";
type Rate = { rate: number; passMs: number };

export async function joinLine(skuId: number, userId: number, { rate, passMs }: Rate, launchAt: number) {
  const [outcome, ticket, serving, now, prequeued] = (await run("wrJoin", skuId, userId, rate, passMs, launchAt)) as [string, number, number, number, number];
  return { outcome: outcome as "closed" | "already" | "shuffle" | "joined", ticket, serving, now, prequeued };
}

/** The prequeue as it stands, for the shuffle. */
export const prequeue = async (skuId: number) => (await getRedis().lrange(keysOf(skuId)[2]!, 0, -1)).map(Number);

export const writeShuffle = async (skuId: number, launchAt: number, order: number[]) => Number(await run("wrShuffle", skuId, launchAt, ...order));

export async function lineStatus(skuId: number, { rate, passMs }: Rate) {
  const [state, issued, serving, now, closedAt, prequeued] = (await run("wrStatus", skuId, rate, passMs)) as [QueueState, number, number, number, number, number];
  return { state, issued, serving, now, closedAt: closedAt || null, prequeued };
}

export async function myPlace(skuId: number, userId: number, { rate, passMs }: Rate) {
  const [state, ticket, serving, now, passExpiresAt, prequeued] = (await run("wrMe", skuId, userId, rate, passMs)) as [QueueState | "used" | "expired" | "admitted" | "next", number, number, number, number, number];
  return { state, ticket: ticket < 0 ? null : ticket, serving, now, passExpiresAt: passExpiresAt || null, prequeued };
}

export const claimPass = async (skuId: number, ticket: number, holder: string) => Number(await run("wrClaim", skuId, ticket, holder)) === 1;

export const releasePass = async (skuId: number, ticket: number, holder: string, expiresAt: number) => {
  await run("wrRelease", skuId, ticket, holder, expiresAt);
};

export const closeLine = async (skuId: number) => Number(await run("wrClose", skuId)) === 1;

export const reopenLine = async (skuId: number) => Number(await run("wrReopen", skuId)) === 1;

/** The console's numbers: the state hash, the prequeue's length, passes live now and the recorded waits. */
export async function lineBoard(skuId: number) {
  const [state, , pre, live, , waits] = keysOf(skuId);
  const redis = getRedis();
  const [fields, prequeued, liveNow, waited] = await Promise.all([redis.hgetall(state!), redis.llen(pre!), redis.zcard(live!), redis.lrange(waits!, 0, -1)]);
  return { fields, prequeued, liveNow, waits: waited.map(Number) };
}
