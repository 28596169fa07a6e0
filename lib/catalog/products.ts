import "server-only";
import { and, asc, count, desc, eq, inArray, like, or, sql, type SQL } from "drizzle-orm";
import { getDb, getReadDb } from "@/db";
import { skus, spus } from "@/db/schema";
import type { CatalogQuery } from "@/lib/catalog/view";

export type CatalogSku = {
  skuId: number;
  name: string;
  price: string;
  stock: number;
  onSale: boolean;
  perCustomerLimit: number | null;
  /** ISO 8601, UTC. */
  saleStartsAt: string | null;
  /** Sold through a waiting room (lib/drops/queue.ts): the page offers a place in line, not the cart. */
  waitingRoom: boolean;
};
export type CatalogProduct = {
  spuId: number;
  name: string;
  description: string;
  category: string;
  hue: number;
  skus: CatalogSku[];
};

/**
 * On sale as a shopper sees it: the owner's switch, and a product that is neither a draft nor
 * archived (the copy on the SKU row the checkout gates on). Shared with the live-stock read.
 */
export const shopperOnSale = sql<boolean>`(${skus.onSale} AND ${skus.productActive})`.mapWith((v) => Number(v) === 1);

/** The owner switched the SKU's waiting room on (its three numbers are set together). Shared with the live-stock read. */
export const hasWaitingRoom = sql<boolean>`(${skus.queueAdmitPerSecond} IS NOT NULL)`.mapWith((v) => Number(v) === 1);

/** Only products shoppers may see: drafts and archived products are absent everywhere in the shop. */
const visible = eq(spus.status, "active");

const skuColumns = {
  skuId: skus.id,
  spuId: skus.spuId,
  name: skus.name,
  price: skus.price,
  stock: skus.stock,
  onSale: shopperOnSale,
  perCustomerLimit: skus.perCustomerLimit,
  saleStartsAt: skus.saleStartsAt,
  waitingRoom: hasWaitingRoom,
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
    db.select().from(spus).where(visible).orderBy(asc(spus.id)),
    db.select(skuColumns).from(skus).where(eq(skus.productActive, true)).orderBy(asc(skus.id)),
  ]);
  return assemble(products, variants);
}

export async function getProduct(spuId: number): Promise<CatalogProduct | null> {
  const db = getReadDb();
  const [product] = await db.select().from(spus).where(and(eq(spus.id, spuId), visible)).limit(1);
  if (!product) return null;
  const variants = await db.select(skuColumns).from(skus).where(eq(skus.spuId, spuId)).orderBy(asc(skus.id));
  return assemble([product], variants)[0]!;
}

/** `%`, `_` and `\` in what a shopper typed are letters, not LIKE wildcards. */
const likeWords = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Products per page of the catalog. */
export const CATALOG_PAGE_SIZE = 24;

/**
 * One page of the catalog as the shopper asked for it: every word of `q` found in the product's
 * name, category, description or a variant's name; only `category` (exact); sorted by the "from"
 * price (cheapest variant on sale; products with none last, equal prices in featured order),
 * newest first, or as featured. `total` counts every match.
 */
export async function searchProducts({ q, category, sort, page }: CatalogQuery): Promise<{ products: CatalogProduct[]; total: number }> {
  const db = getReadDb();
  const where: SQL[] = [visible];
  for (const word of q.split(" ").filter(Boolean)) {
    const w = likeWords(word);
    const variantMatch = db.select({ one: sql`1` }).from(skus).where(and(eq(skus.spuId, spus.id), like(skus.name, w)));
    where.push(or(like(spus.name, w), like(spus.category, w), like(spus.description, w), sql`exists ${variantMatch}`)!);
  }
  if (category) where.push(eq(spus.category, category));
  const filter = and(...where);
  const from = sql`(SELECT MIN(${skus.price}) FROM ${skus} WHERE ${skus.spuId} = ${spus.id} AND ${skus.onSale} = 1)`;
  const order =
    sort === "newest"
      ? [desc(spus.createdAt), desc(spus.id)]
      : sort === "featured"
        ? [asc(spus.id)]
        : [sql`${from} IS NULL`, sort === "price-asc" ? asc(from) : desc(from), asc(spus.id)];
  const [products, [counted]] = await Promise.all([
    db
      .select()
      .from(spus)
      .where(filter)
      .orderBy(...order)
      .limit(CATALOG_PAGE_SIZE)
      .offset((page - 1) * CATALOG_PAGE_SIZE),
    db.select({ total: count() }).from(spus).where(filter),
  ]);
  if (products.length === 0) return { products: [], total: counted?.total ?? 0 };
  const variants = await db
    .select(skuColumns)
    .from(skus)
    .where(inArray(skus.spuId, products.map((p) => p.id)))
    .orderBy(asc(skus.id));
  return { products: assemble(products, variants), total: counted?.total ?? 0 };
}

/** The categories with at least one product shoppers can see, for the filter. */
export async function listCategories(): Promise<string[]> {
  const rows = await getReadDb().selectDistinct({ category: spus.category }).from(spus).where(visible).orderBy(asc(spus.category));
  return rows.map((r) => r.category);
}

/** SKUs with their product's name, category and hue, for the cart, checkout and orders; a draft's or archived product's are off sale. */
export async function getSkus(ids: number[]) {
  if (ids.length === 0) return [];
  return getDb()
    .select({ ...skuColumns, product: spus.name, category: spus.category, hue: spus.hue })
    .from(skus)
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .where(inArray(skus.id, ids));
}
