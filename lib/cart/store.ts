import { randomBytes } from "node:crypto";
import type { Result } from "ioredis";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { type RedisClient, getRedis } from "@/lib/redis";
import { MAX_LINE_QTY } from "./limits";

/**
 * The cart lives in Redis only: per owner a hash `cart:{owner}` (skuId -> count) and a set
 * `cart:{owner}:selected`. The braces are a Redis Cluster hash tag, so an owner's two keys share
 * a slot and every script and MULTI below touches one slot. Merging a guest cart into a user's
 * spans two owners (two slots), so it runs as three single-slot steps (see mergeCarts).
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
  // Guest slot. KEYS: items, selected, claim items, claim selected, claim id. ARGV: new claim id, ttl.
  // Moves the guest cart aside under a claim id (or returns the claim a failed merge left) so
  // lines added meanwhile start a new cart instead of being lost or merged twice.
  // Returns nil when there is nothing to merge, else {claim id, items (flat), selected}.
  cartClaim: `
if redis.call('EXISTS', KEYS[5]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  redis.call('DEL', KEYS[3], KEYS[4])
  redis.call('RENAME', KEYS[1], KEYS[3])
  if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[4]) end
  redis.call('SET', KEYS[5], ARGV[1])
  for i = 3, 5 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
end
return {redis.call('GET', KEYS[5]), redis.call('HGETALL', KEYS[3]), redis.call('SMEMBERS', KEYS[4])}`,
  // User slot. KEYS: items, selected, merged-marker of this claim. ARGV: marker ttl, max, then
  // (skuId, count, selected) triples. Applies a claim at most once: a retry after a failure
  // between this step and the next finds the marker and adds nothing.
  cartMergeClaim: `
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local max = tonumber(ARGV[2])
for i = 3, #ARGV, 3 do
  local n = math.min(tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') + tonumber(ARGV[i + 1]), max)
  redis.call('HSET', KEYS[1], ARGV[i], n)
  if ARGV[i + 2] == '1' then redis.call('SADD', KEYS[2], ARGV[i]) end
end
return 1`,
  // Guest slot. KEYS: claim items, claim selected, claim id. ARGV: claim id. Drops a finished claim.
  cartDropClaim: `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`,
  // KEYS: items, selected, this order's marker. ARGV: marker ttl, then (skuId, count) pairs that
  // were bought. Takes off only the bought count; a line the shopper raised meanwhile keeps the
  // rest, deselected so it is not bought again by mistake. Once per order: a repeat (a retried
  // cleanup, two readers finishing one flagged cleanup) finds the marker and changes nothing.
  cartTakeBought: `
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 2, #ARGV, 2 do
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
    cartClaim(...keysAndArgs: Arg[]): Result<[string, string[], string[]] | null, Context>;
    cartMergeClaim(...keysAndArgs: Arg[]): Result<number, Context>;
    cartDropClaim(...keysAndArgs: Arg[]): Result<number, Context>;
    cartTakeBought(items: string, selected: string, marker: string, ...args: Arg[]): Result<number, Context>;
  }
}

const KEY_COUNTS: Partial<Record<keyof typeof SCRIPTS, number>> = { cartClaim: 5, cartMergeClaim: 3, cartDropClaim: 3, cartTakeBought: 3 };

const defined = new WeakSet<RedisClient>();
function redis(): RedisClient {
  const client = getRedis();
  if (!defined.has(client)) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      client.defineCommand(name, { numberOfKeys: KEY_COUNTS[name as keyof typeof SCRIPTS] ?? 2, lua });
    }
    defined.add(client);
  }
  return client;
}

/** Any Redis failure becomes a 503 the shopper can read; the client reconnects by itself. */
async function cartOp<T>(what: string, fn: (r: RedisClient) => Promise<T>): Promise<T> {
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

function claimKeys(guest: Owner) {
  const base = `cart:{${guest}}:merging`;
  return { items: base, selected: `${base}:selected`, id: `${base}:id` } as const;
}
// A merged-marker must outlive the claim it guards, or an expired marker could let a leftover
// claim be applied twice.
const MERGED_MARKER_SECONDS = GUEST_TTL_SECONDS + 86_400;

/**
 * Moves a guest's cart into a user's: counts summed and capped, selections united, guest cart
 * deleted. The two carts live in different hash slots, so on Redis Cluster no single MULTI or
 * script may touch both; instead, three steps each on one slot, safe to re-run at any point:
 *   1. guest slot: move the cart aside under a claim id (atomic; later adds start a new cart);
 *   2. user slot: add the claimed lines, once per claim id (a marker in the user's slot);
 *   3. guest slot: drop the claim.
 * A failure after 1 or 2 leaves the claim, and the next merge of that guest finishes it (into
 * the user it was meant for) before taking anything new. The same code runs on a single Redis.
 */
export function mergeCarts(from: Owner, into: Owner): Promise<void> {
  const src = cartKeys(from);
  const claim = claimKeys(from);
  return cartOp("merge", async (r) => {
    // Lines added while a merge runs are claimed in the next round; a few rounds suffice.
    for (let round = 0; round < 5; round++) {
      const newId = `${randomBytes(8).toString("hex")}>${into}`;
      const claimed = await r.cartClaim(src.items, src.selected, claim.items, claim.selected, claim.id, newId, GUEST_TTL_SECONDS);
      if (!claimed) return;
      const [claimId, flatItems, selected] = claimed;
      const target = claimId.slice(claimId.indexOf(">") + 1) as Owner;
      const dst = cartKeys(target);
      const chosen = new Set(selected);
      const args: Arg[] = [];
      for (let i = 0; i + 1 < flatItems.length; i += 2) {
        args.push(flatItems[i]!, flatItems[i + 1]!, chosen.has(flatItems[i]!) ? "1" : "0");
      }
      const marker = `cart:{${target}}:merged:${from}:${claimId.slice(0, claimId.indexOf(">"))}`;
      await r.cartMergeClaim(dst.items, dst.selected, marker, MERGED_MARKER_SECONDS, MAX_LINE_QTY, ...args);
      await r.cartDropClaim(claim.items, claim.selected, claim.id, claimId);
    }
  });
}

// Long enough to outlive any cleanup still flagged in the database (see lib/orders/cart-cleanup.ts).
const BOUGHT_MARKER_SECONDS = 7 * 86_400;

/** After an order commits: removes what was bought, in one script, at most once per order. */
export function takeBoughtLines(owner: Owner, orderId: string, lines: { skuId: number; count: number }[]): Promise<void> {
  const k = cartKeys(owner);
  return cartOp("take-bought", async (r) => {
    await r.cartTakeBought(k.items, k.selected, `cart:{${owner}}:bought:${orderId}`, BOUGHT_MARKER_SECONDS, ...lines.flatMap((l) => [l.skuId, l.count]));
  });
}
