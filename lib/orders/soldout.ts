import { inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { log } from "@/lib/log";
import { getRedis } from "@/lib/redis";

/**
 * "This SKU is sold out" hints in Redis, shared by every server process, so a sold-out storm is
 * answered without opening a transaction. A hint only ever refuses early; it is set after the
 * database showed zero, re-checked right after setting (a restock that raced it removes it), and
 * cleared by whatever puts stock back. It also expires, bounding any hint a failure left behind.
 */
const HINT_SECONDS = 60;
const key = (skuId: number) => `soldout:{sku:${skuId}}`;

export async function knownSoldOut(skuIds: number[]): Promise<Set<number>> {
  try {
    const redis = getRedis();
    const values = await Promise.all(skuIds.map((id) => redis.get(key(id))));
    return new Set(skuIds.filter((_, i) => values[i] !== null));
  } catch {
    return new Set(); // no hint: the transaction decides
  }
}

export async function markSoldOut(skuIds: number[]) {
  if (skuIds.length === 0) return;
  try {
    const redis = getRedis();
    await Promise.all(skuIds.map((id) => redis.set(key(id), "1", "EX", HINT_SECONDS)));
    // Confirm against committed stock: a restock that committed before our SET is seen here.
    const rows = await getDb()
      .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale })
      .from(skus)
      .where(inArray(skus.id, skuIds));
    const back = rows.filter((r) => r.stock > 0).map((r) => r.id);
    if (back.length > 0) await Promise.all(back.map((id) => redis.del(key(id))));
  } catch (e) {
    log.warn({ err: e, skuIds }, "could not record sold-out hint");
  }
}

/** Call after committing anything that adds stock (restock, cancellation, expiry). */
export async function clearSoldOut(skuIds: number[]) {
  if (skuIds.length === 0) return;
  try {
    const redis = getRedis();
    await Promise.all(skuIds.map((id) => redis.del(key(id))));
  } catch (e) {
    log.warn({ err: e, skuIds }, "could not clear sold-out hint; it expires by itself");
  }
}
