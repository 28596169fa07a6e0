import type { ChainableCommander, Redis, Result } from "ioredis";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { getRedis } from "@/lib/redis";
import { MAX_LINE_QTY } from "./limits";

/**
 * The cart lives in Redis only: per owner a hash `cart:{owner}` (skuId -> count) and a set
 * `cart:{owner}:selected`. The braces are a Redis Cluster hash tag, so an owner's two keys share
 * a slot and every script and MULTI below touches one slot.
 */
export type Owner = `u:${number}` | `g:${string}`;
export const userOwner = (userId: number): Owner => `u:${userId}`;
export const guestOwner = (guestId: string): Owner => `g:${guestId}`;

export function cartKeys(owner: Owner) {
  return { items: `cart:{${owner}}`, selected: `cart:{${owner}}:selected` } as const;
}

const GUEST_TTL_SECONDS = 30 * 86_400;
const ttlFor = (owner: Owner) => (owner.startsWith("g:") ? GUEST_TTL_SECONDS : 0);

const TOUCH = `
if tonumber(ARGV[#ARGV]) > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[#ARGV])
  redis.call('EXPIRE', KEYS[2], ARGV[#ARGV])
end`;

const SCRIPTS = {
  // ARGV: skuId, count, max, ttl. Adds to the line (capped) and selects it.
  cartAdd: `
local n = math.min(tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') + tonumber(ARGV[2]), tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], ARGV[1], n)
redis.call('SADD', KEYS[2], ARGV[1])
${TOUCH}
return n`,
  // ARGV: skuId, count ('' keeps it), selected ('1' | '0' | ''), ttl. 0 when the line is not in the cart.
  cartUpdate: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) elseif ARGV[3] == '0' then redis.call('SREM', KEYS[2], ARGV[1]) end
${TOUCH}
return 1`,
  // ARGV: '1' | '0', ttl. Selects or deselects every line.
  cartSelectAll: `
redis.call('DEL', KEYS[2])
if ARGV[1] == '1' then
  for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do redis.call('SADD', KEYS[2], id) end
end
${TOUCH}
return 1`,
  // ARGV: max, then (skuId, count, selected) triples from the guest cart; ttl last (0 for users).
  cartMerge: `
local max = tonumber(ARGV[1])
for i = 2, #ARGV - 1, 3 do
  local n = math.min(tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') + tonumber(ARGV[i + 1]), max)
  redis.call('HSET', KEYS[1], ARGV[i], n)
  if ARGV[i + 2] == '1' then redis.call('SADD', KEYS[2], ARGV[i]) end
end
return 1`,
  // ARGV: (skuId, count) pairs that were bought. Takes off only the bought count; a line the
  // shopper raised meanwhile keeps the rest, deselected so it is not bought again by mistake.
  cartTakeBought: `
for i = 1, #ARGV, 2 do
  local left = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') - tonumber(ARGV[i + 1])
  if left > 0 then redis.call('HSET', KEYS[1], ARGV[i], left) else redis.call('HDEL', KEYS[1], ARGV[i]) end
  redis.call('SREM', KEYS[2], ARGV[i])
end
return 1`,
} as const;

type Arg = string | number;
declare module "ioredis" {
  interface RedisCommander<Context> {
    cartAdd(items: string, selected: string, ...args: Arg[]): Result<number, Context>;
    cartUpdate(items: string, selected: string, ...args: Arg[]): Result<number, Context>;
    cartSelectAll(items: string, selected: string, ...args: Arg[]): Result<number, Context>;
    cartMerge(items: string, selected: string, ...args: Arg[]): Result<number, Context>;
    cartTakeBought(items: string, selected: string, ...args: Arg[]): Result<number, Context>;
  }
}

const defined = new WeakSet<Redis>();
function redis(): Redis {
  const client = getRedis();
  if (!defined.has(client)) {
    for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 2, lua });
    defined.add(client);
  }
  return client;
}

/** Any Redis failure becomes a 503 the shopper can read; the client reconnects by itself. */
async function cartOp<T>(what: string, fn: (r: Redis) => Promise<T>): Promise<T> {
  try {
    return await fn(redis());
  } catch (e) {
    if (isAppError(e)) throw e;
    log.warn({ err: e, op: what }, "cart store unavailable");
    throw new AppError("CART_UNAVAILABLE", undefined, undefined, 5);
  }
}

export type StoredLine = { skuId: number; count: number; selected: boolean };

export function readLines(owner: Owner): Promise<StoredLine[]> {
  const k = cartKeys(owner);
  return cartOp("read", async (r) => {
    const [items, selected] = await Promise.all([r.hgetall(k.items), r.smembers(k.selected)]);
    const chosen = new Set(selected);
    return Object.entries(items)
      .map(([id, count]) => ({ skuId: Number(id), count: Number(count), selected: chosen.has(id) }))
      .filter((l) => Number.isSafeInteger(l.skuId) && l.count > 0)
      .sort((a, b) => a.skuId - b.skuId);
  });
}

export function addLine(owner: Owner, skuId: number, count: number): Promise<number> {
  const k = cartKeys(owner);
  return cartOp("add", (r) => r.cartAdd(k.items, k.selected, skuId, count, MAX_LINE_QTY, ttlFor(owner)));
}

/** False when the line is not in the cart. */
export function updateLine(owner: Owner, skuId: number, change: { count?: number; selected?: boolean }): Promise<boolean> {
  const k = cartKeys(owner);
  const selected = change.selected === undefined ? "" : change.selected ? "1" : "0";
  return cartOp("update", async (r) => (await r.cartUpdate(k.items, k.selected, skuId, change.count ?? "", selected, ttlFor(owner))) === 1);
}

export function removeLine(owner: Owner, skuId: number): Promise<boolean> {
  const k = cartKeys(owner);
  return cartOp("remove", async (r) => {
    const result = await r.multi().hdel(k.items, String(skuId)).srem(k.selected, String(skuId)).exec();
    return Number(result?.[0]?.[1] ?? 0) === 1;
  });
}

export function selectAll(owner: Owner, selected: boolean): Promise<void> {
  const k = cartKeys(owner);
  return cartOp("select-all", async (r) => {
    await r.cartSelectAll(k.items, k.selected, selected ? "1" : "0", ttlFor(owner));
  });
}

/**
 * Moves a guest's cart into a user's: counts summed and capped, selections united, guest cart
 * deleted in the same MULTI. WATCH makes a concurrent change to the guest cart retry the merge.
 */
export function mergeCarts(from: Owner, into: Owner): Promise<void> {
  const src = cartKeys(from);
  const dst = cartKeys(into);
  return cartOp("merge", async (r) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      await r.watch(src.items, src.selected);
      const [items, selected] = await Promise.all([r.hgetall(src.items), r.smembers(src.selected)]);
      const entries = Object.entries(items);
      if (entries.length === 0) {
        await r.unwatch();
        return;
      }
      const chosen = new Set(selected);
      const args = entries.flatMap(([id, count]) => [id, count, chosen.has(id) ? "1" : "0"]);
      const tx: ChainableCommander = r.multi().cartMerge(dst.items, dst.selected, MAX_LINE_QTY, ...args, ttlFor(into)).del(src.items, src.selected);
      if (await tx.exec()) return;
    }
    throw new Error("guest cart kept changing during merge");
  });
}

/** After an order commits: removes what was bought, in one script. */
export function takeBoughtLines(owner: Owner, lines: { skuId: number; count: number }[]): Promise<void> {
  const k = cartKeys(owner);
  return cartOp("take-bought", async (r) => {
    await r.cartTakeBought(k.items, k.selected, ...lines.flatMap((l) => [l.skuId, l.count]));
  });
}
