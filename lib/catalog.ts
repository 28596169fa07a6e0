import "server-only";
import { asc, eq, inArray } from "drizzle-orm";
import { getDb, getReadDb } from "@/db";
import { skus, spus } from "@/db/schema";
import { toCents } from "@/lib/money";

export type CatalogSku = {
  skuId: number;
  name: string;
  price: string;
  stock: number;
  onSale: boolean;
  perCustomerLimit: number | null;
  /** ISO 8601, UTC. */
  saleStartsAt: string | null;
};
export type CatalogProduct = {
  spuId: number;
  name: string;
  description: string;
  category: string;
  hue: number;
  skus: CatalogSku[];
};

const skuColumns = {
  skuId: skus.id,
  spuId: skus.spuId,
  name: skus.name,
  price: skus.price,
  stock: skus.stock,
  onSale: skus.onSale,
  perCustomerLimit: skus.perCustomerLimit,
  saleStartsAt: skus.saleStartsAt,
};

type SkuRow = Omit<CatalogSku, "saleStartsAt"> & { spuId: number; saleStartsAt: Date | null };

function assemble(products: (typeof spus.$inferSelect)[], variants: SkuRow[]): CatalogProduct[] {
  return products.map((p) => ({
    spuId: p.id,
    name: p.name,
    description: p.description,
    category: p.category,
    hue: p.hue,
    skus: variants.filter((v) => v.spuId === p.id).map(({ spuId: _spuId, saleStartsAt, ...sku }) => ({ ...sku, saleStartsAt: saleStartsAt?.toISOString() ?? null })),
  }));
}

// Listing and product pages may read from a replica (DATABASE_READ_URLS); getSkus below feeds
// the cart and checkout, so it stays on the primary.
export async function listProducts(): Promise<CatalogProduct[]> {
  const db = getReadDb();
  const [products, variants] = await Promise.all([
    db.select().from(spus).orderBy(asc(spus.id)),
    db.select(skuColumns).from(skus).orderBy(asc(skus.id)),
  ]);
  return assemble(products, variants);
}

export async function getProduct(spuId: number): Promise<CatalogProduct | null> {
  const db = getReadDb();
  const [product] = await db.select().from(spus).where(eq(spus.id, spuId)).limit(1);
  if (!product) return null;
  const variants = await db.select(skuColumns).from(skus).where(eq(skus.spuId, spuId)).orderBy(asc(skus.id));
  return assemble([product], variants)[0]!;
}

/** SKUs with their product name, for the cart and checkout. */
export async function getSkus(ids: number[]) {
  if (ids.length === 0) return [];
  return getDb()
    .select({ ...skuColumns, product: spus.name })
    .from(skus)
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .where(inArray(skus.id, ids));
}

export const productStock = (p: CatalogProduct) => p.skus.filter((s) => s.onSale).reduce((n, s) => n + s.stock, 0);

/** "from" price: the cheapest on-sale variant. */
export function fromPrice(p: CatalogProduct): string | null {
  const prices = p.skus.filter((s) => s.onSale).map((s) => s.price);
  if (prices.length === 0) return null;
  return prices.reduce((a, b) => (toCents(a) <= toCents(b) ? a : b));
}
