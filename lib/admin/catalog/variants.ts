import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db";
import { spus, skus } from "@/db/schema";
import { lockActor, recordAudit } from "@/lib/audit/history";
import { applyAdjustment } from "@/lib/admin/stock";
import { AppError } from "@/lib/errors";
import { catalogChanged } from "@/lib/platform/page-cache/changes";
import { catalogDuplicate } from "./duplicates";
import type { CreateSkuInput } from "./schemas";
import { getAdminSku, type AdminSku } from "./views";

/** The ledger's reason for the units a variant is created with. */
export const INITIAL_STOCK_REASON = "initial stock";

/**
 * Writes a new variant inside the caller's transaction: the SKU row (with its product's status
 * copied into `product_active`), then its initial stock at each location through the same
 * adjustment as the console's (SKU, location, the SKU's row there, a ledger row "initial stock"),
 * so `skus.stock` is the sum over its active locations from the first unit; then its audit row.
 * The caller has locked the product's row (a status change cannot slip between) and the actor's.
 */
export async function insertVariant(tx: Tx, { spuId, productActive, input, actorId }: { spuId: number; productActive: boolean; input: CreateSkuInput; actorId: number }): Promise<number> {
  const { stock = [], ...fields } = input;
  const row = {
    spuId,
    name: fields.name,
    price: fields.price,
    code: fields.code ?? null,
    compareAtPrice: fields.compareAtPrice ?? null,
    perCustomerLimit: fields.perCustomerLimit ?? null,
    saleStartsAt: fields.saleStartsAt ?? null,
    productActive,
    stock: 0,
  };
  const [inserted] = await tx.insert(skus).values(row).$returningId();
  const skuId = inserted!.id;
  for (const { locationId, count } of stock) {
    if (count > 0) await applyAdjustment(tx, { skuId, delta: count, reason: INITIAL_STOCK_REASON, adminId: actorId, locationId });
  }
  const { spuId: _spuId, productActive: _active, stock: _stock, saleStartsAt, ...created } = row;
  await recordAudit(tx, {
    actorId,
    entity: "sku",
    entityId: skuId,
    spuId,
    action: "created",
    changes: { ...created, saleStartsAt: saleStartsAt?.toISOString() ?? null, stock: stock.filter((s) => s.count > 0) },
  });
  return skuId;
}

/**
 * A new variant of an existing product, with its initial stock, in one READ COMMITTED
 * transaction (actor, then the product's row, locked: its status is what the variant copies).
 * Refused with PRODUCT_NOT_FOUND, SKU_NAME_TAKEN or SKU_CODE_TAKEN (the unique indexes decide).
 */
export async function createVariant(spuId: number, input: CreateSkuInput, actorId: number): Promise<AdminSku> {
  let skuId: number;
  let active: boolean;
  try {
    ({ skuId, active } = await getDb().transaction(
      async (tx) => {
        await lockActor(tx, actorId);
        const [product] = await tx.select({ status: spus.status }).from(spus).where(eq(spus.id, spuId)).for("update");
        if (!product) throw new AppError("PRODUCT_NOT_FOUND");
        const active = product.status === "active";
        const skuId = await insertVariant(tx, { spuId, productActive: active, input, actorId });
        await tx.update(spus).set({ updatedAt: sql`CURRENT_TIMESTAMP(3)` }).where(eq(spus.id, spuId));
        return { skuId, active };
      },
      { isolationLevel: "read committed" },
    ));
  } catch (e) {
    throw catalogDuplicate(e, { variant: input.name, code: input.code });
  }
  if (active) await catalogChanged();
  const { spuId: _spuId, ...sku } = await getAdminSku(skuId);
  return sku;
}
