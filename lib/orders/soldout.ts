import "server-only";
import { inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { closeQueues, reopenQueues } from "@/lib/drops/queue";
import { log } from "@/lib/platform/log";
import { catalogChanged } from "@/lib/platform/page-cache/changes";
import { getRedis } from "@/lib/platform/redis";

/**
 * "This SKU is sold out" hints in Redis, shared by every server process, so a sold-out storm is
 * answered without opening a transaction. A hint only ever refuses early; it is set after the
 * database showed zero, re-checked right after setting (a restock that raced it removes it), and
 * cleared by whatever puts stock back. It also expires, bounding any hint a failure left behind.
 * Its value is the SKU's display name, so the refusal can name what is sold out without a query.
 */
const HINT_MS = 60_000;
// One hash of every hint (field: SKU id, value: "<expires at ms>:<name>"), so a checkout reads
// them all in one command sent beside its cart read, before it knows its cart's SKUs. It holds
// only SKUs that sold out in the last minute; expired fields are ignored and swept on writes.
const HINTS = "{soldout}:hints";

export type SoldOut = { skuId: number; name: string };

/** Every current hint, SKU id -> display name. Never throws: no hint, no refusal. */
export async function soldOutHints(): Promise<Map<number, string>> {
  try {
    return liveHints(await getRedis().hgetall(HINTS)).live;
  } catch {
    return new Map();
  }
}

function liveHints(fields: Record<string, string>, now = Date.now()) {
  const live = new Map<number, string>();
  const expired: string[] = [];
  for (const [skuId, value] of Object.entries(fields)) {
    const at = value.indexOf(":");
    if (Number(value.slice(0, at)) > now) live.set(Number(skuId), value.slice(at + 1));
    else expired.push(skuId);
  }
  return { live, expired };
}

/** The hints among `skuIds`: SKU id -> display name. */
export const hintedAmong = (hints: Map<number, string>, skuIds: number[]) =>
  new Map(skuIds.flatMap((id) => (hints.has(id) ? [[id, hints.get(id)!] as const] : [])));

/** SKU id -> display name, for the given SKUs that are hinted sold out. */
export async function knownSoldOut(skuIds: number[]): Promise<Map<number, string>> {
  return hintedAmong(await soldOutHints(), skuIds);
}

export async function markSoldOut(emptied: SoldOut[]) {
  if (emptied.length === 0) return;
  try {
    const redis = getRedis();
    const until = Date.now() + HINT_MS;
    await redis.hset(HINTS, Object.fromEntries(emptied.map((s) => [s.skuId, `${until}:${s.name}`])));
    const { expired } = liveHints(await redis.hgetall(HINTS));
    if (expired.length > 0) await redis.hdel(HINTS, ...expired);
    // Confirm against committed stock: a restock that committed before our SET is seen here.
    const rows = await getDb()
      .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale, productActive: skus.productActive, queued: skus.queueAdmitPerSecond })
      .from(skus)
      .where(inArray(skus.id, emptied.map((s) => s.skuId)));
    const back = rows.filter((r) => r.stock > 0 && r.onSale && r.productActive).map((r) => r.id);
    if (back.length > 0) await redis.hdel(HINTS, ...back.map(String));
    // A drop's line closes the moment its SKU sells out: nobody waits for nothing.
    const closing = rows.filter((r) => r.stock === 0 && r.queued !== null).map((r) => r.id);
    if (closing.length > 0) await closeQueues(closing);
    // Pages say "Sold out" now rather than when their cached copy ages out.
    if (back.length < emptied.length) await catalogChanged();
  } catch (e) {
    log.warn({ err: e, skuIds: emptied.map((s) => s.skuId) }, "could not record sold-out hint");
  }
}

/**
 * Call after committing anything that makes a SKU buyable again (restock, cancellation, expiry,
 * back on sale): the hint goes, and a drop's closed line opens again for the next in line.
 */
export async function clearSoldOut(skuIds: number[]) {
  if (skuIds.length === 0) return;
  try {
    const [removed] = await Promise.all([getRedis().hdel(HINTS, ...skuIds.map(String)), reopenQueues(skuIds)]);
    // Only a SKU that was sold out changes what pages say.
    if (removed > 0) await catalogChanged();
  } catch (e) {
    log.warn({ err: e, skuIds }, "could not clear sold-out hint; it expires by itself");
  }
}
