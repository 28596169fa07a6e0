import "server-only";
import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import { affectedRows, getDb } from "@/db";
import { skus, spus, stockAdjustments, users } from "@/db/schema";
import { lineName } from "@/lib/catalog/product-name";
import { clearSoldOut } from "@/lib/orders/soldout";
import { catalogChanged } from "@/lib/platform/page-cache/changes";
import { AppError, ER_WARN_DATA_OUT_OF_RANGE, isDuplicateKey, sqlErrno } from "@/lib/errors";
import type { AdjustStockInput, UpdateSkuInput } from "./schemas";

export type StockRow = {
  skuId: number;
  spuId: number;
  product: string;
  /** For the row's thumbnail. */
  category: string;
  hue: number;
  name: string;
  price: string;
  stock: number;
  sales: number;
  onSale: boolean;
  perCustomerLimit: number | null;
  /** ISO 8601, UTC. */
  saleStartsAt: string | null;
};

export type AdjustmentView = {
  id: number;
  skuId: number;
  delta: number;
  stockAfter: number;
  reason: string;
  adminId: number;
  admin: string;
  createdAt: string;
};

const stockColumns = {
  skuId: skus.id,
  spuId: skus.spuId,
  product: spus.name,
  category: spus.category,
  hue: spus.hue,
  name: skus.name,
  price: skus.price,
  stock: skus.stock,
  sales: skus.sales,
  onSale: skus.onSale,
  perCustomerLimit: skus.perCustomerLimit,
  saleStartsAt: skus.saleStartsAt,
};

const toRow = ({ saleStartsAt, ...row }: Omit<StockRow, "saleStartsAt"> & { saleStartsAt: Date | null }): StockRow => ({
  ...row,
  saleStartsAt: saleStartsAt?.toISOString() ?? null,
});

/** INT UNSIGNED tops out here; a restock past it is refused by the database (out of range). */
export const MAX_STOCK = 4_294_967_295;

/** Every SKU with its product, in catalog order: what the admin's live table polls. */
export async function listStock(): Promise<StockRow[]> {
  const rows = await getDb().select(stockColumns).from(skus).innerJoin(spus, eq(spus.id, skus.spuId)).orderBy(asc(spus.id), asc(skus.id));
  return rows.map(toRow);
}

/** The table as of now, for the first render before the first poll. */
export async function stockSnapshot(): Promise<{ skus: StockRow[]; at: number }> {
  const skus = await listStock();
  return { skus, at: Date.now() };
}

async function findSku(skuId: number): Promise<StockRow> {
  const [row] = await getDb().select(stockColumns).from(skus).innerJoin(spus, eq(spus.id, skus.spuId)).where(eq(skus.id, skuId)).limit(1);
  if (!row) throw new AppError("SKU_NOT_FOUND");
  return toRow(row);
}

/**
 * Applies `stock = stock + delta` and writes its ledger row in one READ COMMITTED transaction.
 * The guarded UPDATE is the only statement that locks the SKU row (as in checkout), so a
 * restock never deadlocks a sale; the read-back and the ledger insert happen under that lock,
 * so `stockAfter` is exactly the stock this change left. `stock` is INT UNSIGNED, so the guard
 * for a negative delta is `stock >= -delta` and no negative unsigned value is ever computed.
 */
export async function adjustStock(input: AdjustStockInput & { skuId: number; adminId: number }): Promise<{ adjustment: AdjustmentView; stock: number }> {
  const { skuId, delta, reason, adminId } = input;
  try {
    const applied = await applyAdjustment(skuId, delta, reason, adminId);
    // After commit: a restock makes any "sold out" hint for this SKU wrong.
    if (delta > 0) await clearSoldOut([skuId]);
    return applied;
  } catch (e) {
    if (sqlErrno(e) === ER_WARN_DATA_OUT_OF_RANGE) throw new AppError("VALIDATION", { message: `That would take stock above ${MAX_STOCK}, the most one SKU can hold.` });
    throw e;
  }
}

function applyAdjustment(skuId: number, delta: number, reason: string, adminId: number): Promise<{ adjustment: AdjustmentView; stock: number }> {
  return getDb().transaction(
    async (tx) => {
      const result =
        delta > 0
          ? await tx
              .update(skus)
              .set({ stock: sql`${skus.stock} + ${delta}` })
              .where(eq(skus.id, skuId))
          : await tx
              .update(skus)
              .set({ stock: sql`${skus.stock} - ${-delta}` })
              .where(and(eq(skus.id, skuId), gte(skus.stock, -delta)));
      if (affectedRows(result) !== 1) {
        const [row] = await tx
          .select({ stock: skus.stock, name: skus.name, product: spus.name })
          .from(skus)
          .innerJoin(spus, eq(spus.id, skus.spuId))
          .where(eq(skus.id, skuId));
        if (!row) throw new AppError("SKU_NOT_FOUND");
        throw new AppError("STOCK_WOULD_GO_NEGATIVE", {
          message: `Only ${row.stock} of ${lineName(skuId, row)} in stock: removing ${-delta} would take it below zero.`,
          details: { stock: row.stock },
        });
      }
      const [after] = await tx.select({ stock: skus.stock }).from(skus).where(eq(skus.id, skuId));
      const stockAfter = after!.stock;
      const createdAt = new Date();
      const [inserted] = await tx.insert(stockAdjustments).values({ skuId, delta, stockAfter, reason, adminId, createdAt }).$returningId();
      const [admin] = await tx.select({ username: users.username }).from(users).where(eq(users.id, adminId));
      return {
        adjustment: { id: inserted!.id, skuId, delta, stockAfter, reason, adminId, admin: admin?.username ?? `#${adminId}`, createdAt: createdAt.toISOString() },
        stock: stockAfter,
      };
    },
    { isolationLevel: "read committed" },
  );
}

/** One SKU's ledger, newest first. */
export async function listAdjustments(skuId: number, limit = 100): Promise<AdjustmentView[]> {
  await findSku(skuId);
  const rows = await getDb()
    .select({
      id: stockAdjustments.id,
      skuId: stockAdjustments.skuId,
      delta: stockAdjustments.delta,
      stockAfter: stockAdjustments.stockAfter,
      reason: stockAdjustments.reason,
      adminId: stockAdjustments.adminId,
      admin: users.username,
      createdAt: stockAdjustments.createdAt,
    })
    .from(stockAdjustments)
    .innerJoin(users, eq(users.id, stockAdjustments.adminId))
    .where(eq(stockAdjustments.skuId, skuId))
    .orderBy(desc(stockAdjustments.createdAt), desc(stockAdjustments.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/**
 * Changes a SKU's settings: on sale or not, the per-customer limit, the launch time, its price and
 * name. They apply to carts and checkouts from now on; existing orders keep the name and price
 * their lines were sold at.
 */
export async function updateSku(skuId: number, change: UpdateSkuInput): Promise<StockRow> {
  let result;
  try {
    result = await getDb().update(skus).set(change).where(eq(skus.id, skuId));
  } catch (e) {
    if (isDuplicateKey(e) && change.name !== undefined) throw await nameTaken(skuId, change.name);
    throw e;
  }
  // mysql2 reports matched rows, so setting the values it already has still counts as found.
  if (affectedRows(result) !== 1) throw new AppError("SKU_NOT_FOUND");
  // An off-sale SKU counts as sold out to the batched checkout; back on sale, it may be bought again.
  if (change.onSale) await clearSoldOut([skuId]);
  await catalogChanged();
  return findSku(skuId);
}

/** Variant names are unique per product (skus_spu_name_idx), compared without case. */
async function nameTaken(skuId: number, name: string): Promise<AppError> {
  const { product } = await findSku(skuId);
  return new AppError("SKU_NAME_TAKEN", { message: `${product} already has a variant named “${name}”.` });
}
