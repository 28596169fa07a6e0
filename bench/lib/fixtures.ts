import { eq } from "drizzle-orm";
import { getDb, getPool } from "@/db";
import { addresses, skus, spus, users } from "@/db/schema";
import { SESSION_COOKIE, createSession } from "@/lib/auth/session";
import { cartKeys, userOwner } from "@/lib/cart/store";
import { getRedis } from "@/lib/platform/redis";

export type Shopper = { id: number; addressId: number; cookie: string };
export type Line = { skuId: number; count: number };

// Never used to log in: shoppers get a session row directly.
const UNUSABLE_HASH = "scrypt$2$1$1$AAAA$AAAA";

/** `n` shoppers, each with one address and a session cookie. */
export async function createShoppers(n: number, prefix: string): Promise<Shopper[]> {
  const db = getDb();
  const shoppers: Shopper[] = [];
  for (let start = 0; start < n; start += 64) {
    const batch = Array.from({ length: Math.min(64, n - start) }, (_, i) => `${prefix}${start + i}`);
    const made = await Promise.all(
      batch.map(async (username) => {
        const [user] = await db.insert(users).values({ username, passwordHash: UNUSABLE_HASH, role: "shopper" }).$returningId();
        const [addr] = await db
          .insert(addresses)
          .values({ userId: user!.id, receiver: "Bench Buyer", phone: "+1 555 0100", region: "Bench Region", detail: "1 Bench Street" })
          .$returningId();
        const { token } = await createSession(user!.id);
        return { id: user!.id, addressId: addr!.id, cookie: `${SESSION_COOKIE}=${token}` };
      }),
    );
    shoppers.push(...made);
  }
  return shoppers;
}

/** A product with one SKU per stock value; prices vary in cents so totals are not trivially round. */
export async function createSkus(product: string, stocks: number[]): Promise<number[]> {
  const db = getDb();
  const [spu] = await db.insert(spus).values({ name: product, description: "Benchmark stock", category: "Bench" }).$returningId();
  await db.insert(skus).values(stocks.map((stock, i) => ({ spuId: spu!.id, name: `V${i + 1}`, price: `${10 + (i % 90)}.${String((i * 37) % 100).padStart(2, "0")}`, stock })));
  const rows = await db.select({ id: skus.id }).from(skus).where(eq(skus.spuId, spu!.id)).orderBy(skus.id);
  return rows.map((r) => r.id);
}


/**
 * Replaces a shopper's cart with exactly `lines`, all selected, in one round trip. Not timed:
 * it stands for the shopper having filled the cart before pressing "Place order".
 */
export async function fillCart(shopper: Shopper, lines: Line[]) {
  const k = cartKeys(userOwner(shopper.id));
  const pipe = getRedis().multi().del(k.items, k.selected, k.revision);
  pipe.hset(k.items, ...lines.flatMap((l) => [String(l.skuId), String(l.count)]));
  pipe.sadd(k.selected, ...lines.map((l) => String(l.skuId)));
  await pipe.exec();
}

/** Stock and sales of every SKU, keyed by id. */
export async function snapshotSkus(): Promise<Map<number, { stock: number; sales: number }>> {
  const [rows] = await getPool().query("SELECT id, stock, sales FROM skus");
  return new Map((rows as { id: number; stock: number; sales: number }[]).map((r) => [Number(r.id), { stock: Number(r.stock), sales: Number(r.sales) }]));
}
