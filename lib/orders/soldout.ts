import "server-only";
import { inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
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
const HINT_SECONDS = 60;
const key = (skuId: number) => `soldout:{sku:${skuId}}`;

export type SoldOut = { skuId: number; name: string };

/** SKU id -> display name, for the given SKUs that are hinted sold out. Never throws: no hint, no refusal. */
export async function knownSoldOut(skuIds: number[]): Promise<Map<number, string>> {
  try {
    const redis = getRedis();
    // One GET per SKU: each hint has its own hash tag, so an MGET would cross cluster slots.
    const values = await Promise.all(skuIds.map((id) => redis.get(key(id))));
    return new Map(skuIds.flatMap((id, i) => (values[i] == null ? [] : [[id, values[i]] as const])));
  } catch {
    return new Map();
  }
}

export async function markSoldOut(emptied: SoldOut[]) {
  if (emptied.length === 0) return;
  try {
    const redis = getRedis();
    await Promise.all(emptied.map((s) => redis.set(key(s.skuId), s.name, "EX", HINT_SECONDS)));
    // Confirm against committed stock: a restock that committed before our SET is seen here.
    const rows = await getDb()
      .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale })
      .from(skus)
      .where(inArray(skus.id, emptied.map((s) => s.skuId)));
    const back = rows.filter((r) => r.stock > 0 && r.onSale).map((r) => r.id);
    if (back.length > 0) await Promise.all(back.map((id) => redis.del(key(id))));
    // Pages say "Sold out" now rather than when their cached copy ages out.
    if (back.length < emptied.length) await catalogChanged();
  } catch (e) {
    log.warn({ err: e, skuIds: emptied.map((s) => s.skuId) }, "could not record sold-out hint");
  }
}

/** Call after committing anything that makes a SKU buyable again (restock, cancellation, expiry, back on sale). */
export async function clearSoldOut(skuIds: number[]) {
  if (skuIds.length === 0) return;
  try {
    const redis = getRedis();
    const removed = await Promise.all(skuIds.map((id) => redis.del(key(id))));
    // Only a SKU that was sold out changes what pages say.
    if (removed.some((n) => n > 0)) await catalogChanged();
  } catch (e) {
    log.warn({ err: e, skuIds }, "could not clear sold-out hint; it expires by itself");
  }
}
