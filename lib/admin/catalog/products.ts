import "server-only";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { skus, spus, type ProductStatus } from "@/db/schema";
import { diff, lockActor, recordAudit } from "@/lib/audit/history";
import { AppError } from "@/lib/errors";
import { clearSoldOut } from "@/lib/orders/soldout";
import { catalogChanged } from "@/lib/platform/page-cache/changes";
import { catalogDuplicate } from "./duplicates";
import type { CreateProductInput, UpdateProductInput } from "./schemas";
import { insertVariant } from "./variants";
import { getAdminProduct, type AdminProduct } from "./views";

/** A hue for the drawn art a product shows until it has an image: stable for a name, spread round the wheel. */
export function hueOf(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)!) % 360;
  return h;
}

/**
 * A new product and its first variants (with their initial stock) in one READ COMMITTED
 * transaction: every row or none. A draft unless `status` says otherwise; shoppers see it only
 * once active. Refused with PRODUCT_NAME_TAKEN, SKU_NAME_TAKEN or SKU_CODE_TAKEN by the unique
 * indexes; VALIDATION or LOCATION_NOT_FOUND for initial stock at an unknown location.
 */
export async function createProduct(input: CreateProductInput, actorId: number): Promise<AdminProduct> {
  const { skus: variants = [], ...fields } = input;
  let spuId: number;
  try {
    spuId = await getDb().transaction(
      async (tx) => {
        await lockActor(tx, actorId);
        const [inserted] = await tx
          .insert(spus)
          .values({ ...fields, hue: hueOf(fields.name) })
          .$returningId();
        const spuId = inserted!.id;
        await recordAudit(tx, { actorId, entity: "product", entityId: spuId, spuId, action: "created", changes: { ...fields, skus: variants.length } });
        for (const variant of variants) await insertVariant(tx, { spuId, productActive: fields.status === "active", input: variant, actorId });
        return spuId;
      },
      { isolationLevel: "read committed" },
    );
  } catch (e) {
    throw catalogDuplicate(e, { product: fields.name, code: variants.length === 1 ? variants[0]!.code : undefined });
  }
  if (fields.status === "active") await catalogChanged();
  return getAdminProduct(spuId);
}

/** What the history calls a status change. */
function statusAction(from: ProductStatus, to: ProductStatus): string {
  if (to === "archived") return "archived";
  if (to === "draft") return "unpublished";
  return from === "archived" ? "restored" : "published";
}

/**
 * Edits a product: name, description, category, status. One READ COMMITTED transaction with its
 * audit row. A status change also writes the status's copy on every variant (`product_active`,
 * what the checkout gates on), locking those rows in ascending id first, as a checkout does, then
 * the product's row: a checkout that holds a variant's row finishes before the change (its order
 * stands), and one that comes after is refused. A variant created meanwhile (it locks the product's
 * row first) is caught by the UPDATE by product. Nothing changed, nothing written.
 */
export async function updateProduct(spuId: number, change: UpdateProductInput, actorId: number): Promise<AdminProduct> {
  let outcome: { changed: boolean; nowActive: boolean; statusChanged: boolean; skuIds: number[] };
  try {
    outcome = await getDb().transaction(
      async (tx) => {
        await lockActor(tx, actorId);
        let skuIds: number[] = [];
        if (change.status !== undefined) {
          skuIds = (await tx.select({ id: skus.id }).from(skus).where(eq(skus.spuId, spuId))).map((r) => r.id);
          if (skuIds.length > 0) await tx.select({ id: skus.id }).from(skus).where(inArray(skus.id, skuIds)).orderBy(asc(skus.id)).for("update");
        }
        const [before] = await tx.select().from(spus).where(eq(spus.id, spuId)).for("update");
        if (!before) throw new AppError("PRODUCT_NOT_FOUND");
        const changes = diff(before, change);
        if (Object.keys(changes).length === 0) return { changed: false, nowActive: before.status === "active", statusChanged: false, skuIds };
        await tx
          .update(spus)
          .set({ ...change, updatedAt: sql`CURRENT_TIMESTAMP(3)` })
          .where(eq(spus.id, spuId));
        const statusChanged = "status" in changes;
        if (statusChanged) await tx.update(skus).set({ productActive: change.status === "active" }).where(eq(skus.spuId, spuId));
        const action = statusChanged ? statusAction(before.status, change.status!) : "updated";
        await recordAudit(tx, { actorId, entity: "product", entityId: spuId, spuId, action, changes });
        return { changed: true, nowActive: (change.status ?? before.status) === "active", statusChanged, skuIds };
      },
      { isolationLevel: "read committed" },
    );
  } catch (e) {
    throw catalogDuplicate(e, { product: change.name });
  }
  // A variant back on sale may be bought again: any "sold out" hint the archive left is wrong now.
  if (outcome.statusChanged && outcome.nowActive) await clearSoldOut(outcome.skuIds);
  if (outcome.changed) await catalogChanged();
  return getAdminProduct(spuId);
}
