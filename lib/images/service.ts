import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db";
import { imageFiles, productImages, skus, spus } from "@/db/schema";
import { lockActor, recordAudit } from "@/lib/audit/history";
import { AppError } from "@/lib/errors";
import { catalogChanged } from "@/lib/platform/page-cache/changes";
import { processImage } from "./process";
import type { ReorderInput, UploadFields } from "./schemas";
import { imageUrl, srcSetOf, type ImageView } from "./urls";

const viewColumns = {
  imageId: productImages.id,
  spuId: productImages.spuId,
  skuId: productImages.skuId,
  alt: productImages.alt,
  width: productImages.width,
  height: productImages.height,
  hash: productImages.hash,
};
type ImageRow = { imageId: number; spuId: number; skuId: number | null; alt: string; width: number; height: number; hash: string };

const toView = ({ hash, spuId: _spu, ...row }: ImageRow): ImageView => ({ ...row, url: imageUrl(hash, row.width), srcSet: srcSetOf(hash, row.width) });

/** The product's row, locked until the transaction ends: one change to its pictures at a time (positions stay distinct). */
async function lockProduct(tx: Tx, spuId: number) {
  const [row] = await tx.select({ id: spus.id }).from(spus).where(eq(spus.id, spuId)).for("update");
  if (!row) throw new AppError("PRODUCT_NOT_FOUND");
}

async function assertProduct(spuId: number) {
  const [row] = await getDb().select({ id: spus.id }).from(spus).where(eq(spus.id, spuId));
  if (!row) throw new AppError("PRODUCT_NOT_FOUND");
}

/**
 * Adds a picture to a product (or to one of its variants, `skuId`), last in its order. The upload
 * is checked and resized first (processImage: 413, 415, 422), then one transaction writes the
 * image row, its files and the audit row: a failure anywhere leaves none of them.
 */
export async function addImage(actorId: number, spuId: number, bytes: Buffer, fields: UploadFields): Promise<ImageView> {
  // Before the CPU work: an upload to a product that does not exist costs a query, not a resize.
  await assertProduct(spuId);
  const image = await processImage(bytes);
  const imageId = await getDb().transaction(
    async (tx) => {
      await lockActor(tx, actorId);
      await lockProduct(tx, spuId);
      if (fields.skuId !== null) {
        const [sku] = await tx.select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, fields.skuId));
        if (sku?.spuId !== spuId) {
          throw new AppError("VALIDATION", { message: "That variant is not one of this product's.", details: { fieldErrors: { skuId: ["That variant is not one of this product's."] } } });
        }
      }
      const [{ next }] = (await tx
        .select({ next: sql<number>`coalesce(max(${productImages.position}) + 1, 0)` })
        .from(productImages)
        .where(eq(productImages.spuId, spuId))) as [{ next: number }];
      const row = { spuId, skuId: fields.skuId, position: Number(next), alt: fields.alt, width: image.width, height: image.height, hash: image.hash };
      const [{ id }] = (await tx.insert(productImages).values(row).$returningId()) as [{ id: number }];
      // One statement per file: each is tens of kB, and together they stay far under max_allowed_packet.
      for (const file of image.files) {
        await tx.insert(imageFiles).values({ name: `${image.hash}-${file.width}.${file.format}`, imageId: id, width: file.width, height: file.height, format: file.format, bytes: file.bytes });
      }
      const { spuId: _spu, ...changes } = row;
      await recordAudit(tx, { actorId, spuId, entity: "image", entityId: id, action: "image added", changes: { ...changes, uploadedAs: image.format, files: image.files.map((f) => f.width) } });
      return id;
    },
    { isolationLevel: "read committed" },
  );
  await catalogChanged();
  return toView({ imageId, spuId, skuId: fields.skuId, alt: fields.alt, width: image.width, height: image.height, hash: image.hash });
}

/** Deletes a picture and its files (the files go by ON DELETE CASCADE), with its audit row. */
export async function deleteImage(actorId: number, spuId: number, imageId: number): Promise<void> {
  await getDb().transaction(
    async (tx) => {
      await lockActor(tx, actorId);
      await lockProduct(tx, spuId);
      const [image] = await tx
        .select(viewColumns)
        .from(productImages)
        .where(and(eq(productImages.id, imageId), eq(productImages.spuId, spuId)));
      if (!image) throw new AppError("IMAGE_NOT_FOUND");
      await tx.delete(productImages).where(eq(productImages.id, imageId));
      await recordAudit(tx, { actorId, spuId, entity: "image", entityId: imageId, action: "image deleted", changes: { alt: image.alt, skuId: image.skuId, hash: image.hash } });
    },
    { isolationLevel: "read committed" },
  );
  await catalogChanged();
}

/**
 * Puts a product's pictures in the order given: `order` must name each of them exactly once
 * (a stale list, after another admin added or deleted one, is refused rather than guessed at).
 */
export async function reorderImages(actorId: number, spuId: number, { order }: ReorderInput): Promise<ImageView[]> {
  await getDb().transaction(
    async (tx) => {
      await lockActor(tx, actorId);
      await lockProduct(tx, spuId);
      const before = (await tx.select({ id: productImages.id }).from(productImages).where(eq(productImages.spuId, spuId)).orderBy(asc(productImages.position), asc(productImages.id))).map((r) => r.id);
      const known = new Set(before);
      if (order.length !== before.length || !order.every((id) => known.has(id))) {
        const message = "List each of the product's images exactly once: the pictures may have changed since the page was loaded.";
        throw new AppError("VALIDATION", { message, details: { fieldErrors: { order: [message] }, imageIds: before } });
      }
      for (const [position, id] of order.entries()) {
        await tx.update(productImages).set({ position }).where(and(eq(productImages.id, id), eq(productImages.spuId, spuId)));
      }
      await recordAudit(tx, { actorId, spuId, entity: "product", entityId: spuId, action: "images reordered", changes: { order: [before, order] } });
    },
    { isolationLevel: "read committed" },
  );
  await catalogChanged();
  return listImages(spuId);
}

/** A product's pictures in their order (the product's own and its variants'), for its page and the console. */
export async function listImages(spuId: number): Promise<ImageView[]> {
  const rows = await getDb().select(viewColumns).from(productImages).where(eq(productImages.spuId, spuId)).orderBy(asc(productImages.position), asc(productImages.id));
  return rows.map(toView);
}

/** Every listed product's pictures in their order (for lists such as GET /api/admin/products); a product without any is absent. */
export async function imagesOfProducts(spuIds: number[]): Promise<Map<number, ImageView[]>> {
  const bySpu = new Map<number, ImageView[]>();
  if (spuIds.length === 0) return bySpu;
  const rows = await getDb().select(viewColumns).from(productImages).where(inArray(productImages.spuId, spuIds)).orderBy(asc(productImages.spuId), asc(productImages.position), asc(productImages.id));
  for (const row of rows) {
    const list = bySpu.get(row.spuId);
    if (list) list.push(toView(row));
    else bySpu.set(row.spuId, [toView(row)]);
  }
  return bySpu;
}

/**
 * Each listed product's cover for a catalog card: its first own picture, else its first
 * variant's. Products without pictures are absent (their cards keep the drawn art).
 */
export async function coverImages(spuIds: number[]): Promise<Map<number, ImageView>> {
  const covers = new Map<number, ImageView>();
  if (spuIds.length === 0) return covers;
  const rows = await getDb()
    .select(viewColumns)
    .from(productImages)
    .where(inArray(productImages.spuId, spuIds))
    .orderBy(asc(productImages.spuId), sql`${productImages.skuId} is not null`, asc(productImages.position), asc(productImages.id));
  for (const row of rows) if (!covers.has(row.spuId)) covers.set(row.spuId, toView(row));
  return covers;
}

/** One stored file by its name, for GET /images/<name>; null if there is none. */
export async function readImageFile(name: string): Promise<{ format: "webp" | "avif"; bytes: Buffer } | null> {
  const [file] = await getDb().select({ format: imageFiles.format, bytes: imageFiles.bytes }).from(imageFiles).where(eq(imageFiles.name, name));
  return file ?? null;
}
