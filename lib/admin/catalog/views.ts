import "server-only";
import { and, asc, desc, eq, inArray, like, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { skus, spus, type ProductStatus } from "@/db/schema";
import { imagesOfProducts } from "@/lib/images/service";
import type { ImageView } from "@/lib/images/urls";
import { AppError } from "@/lib/errors";
import type { ProductFilter } from "./schemas";
import { waitingRoomOf, type WaitingRoom } from "@/lib/drops/queue-settings";

/** A variant as the owner's catalog shows it: `onSale` is the owner's own switch (the product's status is beside it). */
export type AdminSku = {
  skuId: number;
  name: string;
  code: string | null;
  price: string;
  compareAtPrice: string | null;
  stock: number;
  onSale: boolean;
  perCustomerLimit: number | null;
  /** ISO 8601, UTC. */
  saleStartsAt: string | null;
  /** The drop's waiting room; null = none. */
  waitingRoom: WaitingRoom | null;
};

/** A picture as the owner and the API see it (lib/images). */
export type AdminImage = ImageView;

export type AdminProduct = {
  spuId: number;
  name: string;
  description: string;
  category: string;
  status: ProductStatus;
  /** Hue of the drawn art shown while the product has no image. */
  hue: number;
  /** ISO 8601, UTC. */
  updatedAt: string;
  images: AdminImage[];
  skus: AdminSku[];
};

/** The most products one listing answers (newest first); narrow with `q` or `status`. */
export const ADMIN_LIST_LIMIT = 200;

const skuColumns = {
  skuId: skus.id,
  spuId: skus.spuId,
  name: skus.name,
  code: skus.code,
  price: skus.price,
  compareAtPrice: skus.compareAtPrice,
  stock: skus.stock,
  onSale: skus.onSale,
  perCustomerLimit: skus.perCustomerLimit,
  saleStartsAt: skus.saleStartsAt,
  queueAdmitPerSecond: skus.queueAdmitPerSecond,
  queuePassMinutes: skus.queuePassMinutes,
  queueDifficulty: skus.queueDifficulty,
};

type SkuRow = Omit<AdminSku, "saleStartsAt" | "waitingRoom"> & { saleStartsAt: Date | null; queueAdmitPerSecond: number | null; queuePassMinutes: number | null; queueDifficulty: number | null };

function adminSkuOf<R extends SkuRow>({ saleStartsAt, queueAdmitPerSecond, queuePassMinutes, queueDifficulty, ...row }: R) {
  return { ...row, saleStartsAt: saleStartsAt?.toISOString() ?? null, waitingRoom: waitingRoomOf({ queueAdmitPerSecond, queuePassMinutes, queueDifficulty }) };
}

/** `%`, `_` and `\` in what the owner typed are letters, not LIKE wildcards. */
const likeWords = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function assemble(products: (typeof spus.$inferSelect)[]): Promise<AdminProduct[]> {
  const ids = products.map((p) => p.id);
  if (ids.length === 0) return [];
  const [variants, images] = await Promise.all([getDb().select(skuColumns).from(skus).where(inArray(skus.spuId, ids)).orderBy(asc(skus.id)), imagesOfProducts(ids)]);
  return products.map((p) => ({
    spuId: p.id,
    name: p.name,
    description: p.description,
    category: p.category,
    status: p.status,
    hue: p.hue,
    updatedAt: p.updatedAt.toISOString(),
    images: images.get(p.id) ?? [],
    skus: variants.filter((v) => v.spuId === p.id).map(({ spuId: _spuId, ...v }) => adminSkuOf(v)),
  }));
}

/**
 * Every product of every status, newest first (at most ADMIN_LIST_LIMIT): only `status` when
 * given, and every word of `q` found in the name, category, description, or a variant's name or code.
 */
export async function listAdminProducts({ status, q }: ProductFilter): Promise<AdminProduct[]> {
  const db = getDb();
  const where: SQL[] = [];
  if (status) where.push(eq(spus.status, status));
  for (const word of q.split(" ").filter(Boolean)) {
    const w = likeWords(word);
    const variantMatch = db
      .select({ one: sql`1` })
      .from(skus)
      .where(and(eq(skus.spuId, spus.id), or(like(skus.name, w), like(skus.code, w))));
    where.push(or(like(spus.name, w), like(spus.category, w), like(spus.description, w), sql`exists ${variantMatch}`)!);
  }
  const products = await db
    .select()
    .from(spus)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(spus.updatedAt), desc(spus.id))
    .limit(ADMIN_LIST_LIMIT);
  return assemble(products);
}

export async function getAdminProduct(spuId: number): Promise<AdminProduct> {
  const [product] = await getDb().select().from(spus).where(eq(spus.id, spuId)).limit(1);
  if (!product) throw new AppError("PRODUCT_NOT_FOUND");
  return (await assemble([product]))[0]!;
}

export async function getAdminSku(skuId: number): Promise<AdminSku & { spuId: number }> {
  const [row] = await getDb().select(skuColumns).from(skus).where(eq(skus.id, skuId)).limit(1);
  if (!row) throw new AppError("SKU_NOT_FOUND");
  return adminSkuOf(row);
}

/** Every category in use, drafts' and archived products' included: the form's suggestions. */
export async function listAllCategories(): Promise<string[]> {
  const rows = await getDb().selectDistinct({ category: spus.category }).from(spus).orderBy(asc(spus.category));
  return rows.map((r) => r.category);
}
