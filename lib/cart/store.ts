import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { type RedisClient, getRedis } from "@/lib/platform/redis";
import { luaScript, runScript } from "@/lib/platform/redis-script";
import { MAX_LINE_QTY } from "./limits";

/**
 * The cart lives in Redis only: per owner a hash `cart:{owner}` (skuId -> count), a set
 * `cart:{owner}:selected` and its revision `cart:{owner}:rev`. The braces are a Redis Cluster
 * hash tag, so an owner's keys share a slot and every script and MULTI below touches one slot.
 * Merging a guest cart into a user's spans two owners (two slots), so it runs as three
 * single-slot steps (see mergeCarts).
 *
 * The revision is a random token replaced by every change, in the same script or MULTI as the
 * change. Checkout reads lines and revision together and the order row records the revision
 * under a unique index, so one revision of a cart is bought at most once (see
 * lib/orders/commit.ts). A token rather than a counter: Redis keeps nothing on disk here, and a
 * counter restarting at 1 after a restart would collide with revisions already bought.
 */
export type Owner = `u:${number}` | `g:${string}`;
export const userOwner = (userId: number): Owner => `u:${userId}`;
export const guestOwner = (guestId: string): Owner => `g:${guestId}`;
/** The signed-in user a cart belongs to, or null for a guest's cart. */
export const userIdOf = (owner: Owner): number | null => (owner.startsWith("u:") ? Number(owner.slice(2)) : null);

export function cartKeys(owner: Owner) {
  return { items: `cart:{${owner}}`, selected: `cart:{${owner}}:selected`, revision: `cart:{${owner}}:rev` } as const;
}

// randomUUID draws from Node's cached pool of random bytes: a call to randomBytes for every
// change and every checkout's cart read was a twentieth of a batched checkout's CPU.
const newRevision = () => randomUUID().replaceAll("-", "");

const GUEST_TTL_SECONDS = 30 * 86_400;
const ttlFor = (owner: Owner) => (owner.startsWith("g:") ? GUEST_TTL_SECONDS : 0);

// The cart scripts' first three keys are items, selected and revision. TOUCH ends a script
// that changed the cart: a new revision (ARGV[#ARGV - 1]) and, for a guest, a fresh TTL (ARGV[#ARGV]).
const TOUCH = `
redis.call('SET', KEYS[3], ARGV[#ARGV - 1])
if tonumber(ARGV[#ARGV]) > 0 then
  for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[#ARGV]) end
end`;

/** Exported for tests: a merge cut short between its steps, a cart cleanup whose script fails. */
export const CART_SCRIPTS = {
  // KEYS: items, selected, revision. ARGV: a revision for a cart that has none (one written
  // before revisions existed; an empty cart gets it without storing it).
  // Returns {items (flat), selected, revision}, read at one instant.
  cartRead: luaScript<[string[], string[], string]>(`
local rev = redis.call('GET', KEYS[3])
if not rev then
  rev = ARGV[1]
  local ttl = redis.call('TTL', KEYS[1])
  if ttl == -1 then redis.call('SET', KEYS[3], rev) elseif ttl > 0 then redis.call('SET', KEYS[3], rev, 'EX', ttl) end
end
return {redis.call('HGETALL', KEYS[1]), redis.call('SMEMBERS', KEYS[2]), rev}`, 3),
  // ARGV: skuId, count, max, revision, ttl. Adds to the line (capped) and selects it.
  cartAdd: luaScript<number>(`
local n = math.min(tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') + tonumber(ARGV[2]), tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], ARGV[1], n)
redis.call('SADD', KEYS[2], ARGV[1])
${TOUCH}
return n`, 3),
  // ARGV: skuId, count ('' keeps it), selected ('1' | '0' | ''), revision, ttl. 0 when the line is not in the cart.
  cartUpdate: luaScript<number>(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) elseif ARGV[3] == '0' then redis.call('SREM', KEYS[2], ARGV[1]) end
${TOUCH}
return 1`, 3),
  // ARGV: skuId, revision, ttl. 0 when the line is not in the cart.
  cartRemove: luaScript<number>(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
${TOUCH}
return 1`, 3),
  // ARGV: skuIds..., revision, ttl. Deselects those lines; a new revision only if one was selected.
  cartDeselect: luaScript<number>(`
local n = 0
for i = 1, #ARGV - 2 do n = n + redis.call('SREM', KEYS[2], ARGV[i]) end
if n == 0 then return 0 end
${TOUCH}
return n`, 3),
  // ARGV: '1' | '0', revision, ttl. Selects or deselects every line.
  cartSelectAll: luaScript<number>(`
redis.call('DEL', KEYS[2])
if ARGV[1] == '1' then
  for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do redis.call('SADD', KEYS[2], id) end
end
${TOUCH}
return 1`, 3),
  // Guest slot. KEYS: items, selected, claim items, claim selected, claim id, revision. ARGV: new claim id, ttl.
  // Moves the guest cart aside under a claim id (or returns the claim a failed merge left) so
  // lines added meanwhile start a new cart instead of being lost or merged twice.
  // Returns nil when there is nothing to merge, else {claim id, items (flat), selected}.
  cartClaim: luaScript<[string, string[], string[]] | null>(`
if redis.call('EXISTS', KEYS[5]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  redis.call('DEL', KEYS[3], KEYS[4])
  redis.call('RENAME', KEYS[1], KEYS[3])
  if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[4]) end
  redis.call('DEL', KEYS[6])
  redis.call('SET', KEYS[5], ARGV[1])
  for i = 3, 5 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
end
return {redis.call('GET', KEYS[5]), redis.call('HGETALL', KEYS[3]), redis.call('SMEMBERS', KEYS[4])}`, 6),
  // User slot. KEYS: items, selected, revision, merged-marker of this claim. ARGV: marker ttl,
  // max, revision, then (skuId, count, selected) triples. Applies a claim at most once: a retry
  // after a failure between this step and the next finds the marker and adds nothing.
  cartMergeClaim: luaScript<number>(`
if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('SET', KEYS[3], ARGV[3])
local max = tonumber(ARGV[2])
for i = 4, #ARGV, 3 do
  local n = math.min(tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') + tonumber(ARGV[i + 1]), max)
  redis.call('HSET', KEYS[1], ARGV[i], n)
  if ARGV[i + 2] == '1' then redis.call('SADD', KEYS[2], ARGV[i]) end
end
return 1`, 4),
  // Guest slot. KEYS: claim items, claim selected, claim id. ARGV: claim id. Drops a finished claim.
  cartDropClaim: luaScript<number>(`
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`, 3),
  // KEYS: items, selected, revision, this order's marker. ARGV: marker ttl, revision, then
  // (skuId, count) pairs that were bought. Takes off only the bought count; a line the shopper
  // raised meanwhile keeps the rest, deselected so it is not bought again by mistake. Once per
  // order: a repeat (a retried cleanup, two readers finishing one flagged cleanup) finds the
  // marker and changes nothing.
  cartTakeBought: luaScript<number>(`
if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('SET', KEYS[3], ARGV[2])
for i = 3, #ARGV, 2 do
  local left = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') - tonumber(ARGV[i + 1])
  if left > 0 then redis.call('HSET', KEYS[1], ARGV[i], left) else redis.call('HDEL', KEYS[1], ARGV[i]) end
  redis.call('SREM', KEYS[2], ARGV[i])
end
return 1`, 4),
};

type Arg = string | number;
type CartKeys = [items: string, selected: string, revision: string];

/** Any Redis failure becomes a 503 the shopper can read; the client reconnects by itself. */
async function cartOp<T>(what: string, fn: (r: RedisClient) => Promise<T>): Promise<T> {
  try {
    return await fn(getRedis());
  } catch (e) {
    if (isAppError(e)) throw e;
    log.warn({ err: e, op: what }, "cart store unavailable");
    throw new AppError("CART_UNAVAILABLE", { retryAfter: 5 });
  }
}

/** A quantity of one SKU: what a cart line, an order line and a stock change have in common. */
export type Line = { skuId: number; count: number };
export type StoredLine = Line & { selected: boolean };
/** The cart at one instant: its lines (ascending SKU id) and the revision they belong to. */
export type CartSnapshot = { lines: StoredLine[]; revision: string };

const keyList = (k: ReturnType<typeof cartKeys>): CartKeys => [k.items, k.selected, k.revision];

export function readCart(owner: Owner): Promise<CartSnapshot> {
  return cartOp("read", async (r) => {
    const [flat, selected, revision] = await runScript(r, CART_SCRIPTS.cartRead, ...keyList(cartKeys(owner)), newRevision());
    const chosen = new Set(selected);
    const lines: StoredLine[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const skuId = Number(flat[i]);
      const count = Number(flat[i + 1]);
      if (Number.isSafeInteger(skuId) && count > 0) lines.push({ skuId, count, selected: chosen.has(flat[i]!) });
    }
    return { lines: lines.sort((a, b) => a.skuId - b.skuId), revision };
  });
}

export const readLines = async (owner: Owner): Promise<StoredLine[]> => (await readCart(owner)).lines;

export function addLine(owner: Owner, skuId: number, count: number): Promise<number> {
  return cartOp("add", (r) => runScript(r, CART_SCRIPTS.cartAdd, ...keyList(cartKeys(owner)), skuId, count, MAX_LINE_QTY, newRevision(), ttlFor(owner)));
}

/** False when the line is not in the cart. */
export function updateLine(owner: Owner, skuId: number, change: { count?: number; selected?: boolean }): Promise<boolean> {
  const selected = change.selected === undefined ? "" : change.selected ? "1" : "0";
  return cartOp(
    "update",
    async (r) => (await runScript(r, CART_SCRIPTS.cartUpdate, ...keyList(cartKeys(owner)), skuId, change.count ?? "", selected, newRevision(), ttlFor(owner))) === 1,
  );
}

export function removeLine(owner: Owner, skuId: number): Promise<boolean> {
  return cartOp("remove", async (r) => (await runScript(r, CART_SCRIPTS.cartRemove, ...keyList(cartKeys(owner)), skuId, newRevision(), ttlFor(owner))) === 1);
}

export function selectAll(owner: Owner, selected: boolean): Promise<void> {
  return cartOp("select-all", async (r) => {
    await runScript(r, CART_SCRIPTS.cartSelectAll, ...keyList(cartKeys(owner)), selected ? "1" : "0", newRevision(), ttlFor(owner));
  });
}

/** Takes these lines out of the selection in one step (one revision); the lines stay in the cart. */
export function deselectLines(owner: Owner, skuIds: number[]): Promise<void> {
  if (skuIds.length === 0) return Promise.resolve();
  return cartOp("deselect", async (r) => {
    await runScript(r, CART_SCRIPTS.cartDeselect, ...keyList(cartKeys(owner)), ...skuIds, newRevision(), ttlFor(owner));
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
      const claimed = await runScript(r, CART_SCRIPTS.cartClaim, src.items, src.selected, claim.items, claim.selected, claim.id, src.revision, newId, GUEST_TTL_SECONDS);
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
      await runScript(r, CART_SCRIPTS.cartMergeClaim, dst.items, dst.selected, dst.revision, marker, MERGED_MARKER_SECONDS, MAX_LINE_QTY, newRevision(), ...args);
      await runScript(r, CART_SCRIPTS.cartDropClaim, claim.items, claim.selected, claim.id, claimId);
    }
  });
}

// Long enough to outlive any cleanup still flagged in the database (see ./cleanup.ts).
const BOUGHT_MARKER_SECONDS = 7 * 86_400;

/** After an order commits: removes what was bought, in one script, at most once per order. */
export function takeBoughtLines(owner: Owner, orderId: string, lines: Line[]): Promise<void> {
  return cartOp("take-bought", async (r) => {
    await runScript(
      r,
      CART_SCRIPTS.cartTakeBought,
      ...keyList(cartKeys(owner)),
      `cart:{${owner}}:bought:${orderId}`,
      BOUGHT_MARKER_SECONDS,
      newRevision(),
      ...lines.flatMap((l) => [l.skuId, l.count]),
    );
  });
}
