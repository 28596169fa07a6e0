import "server-only";
import type { RowDataPacket } from "mysql2";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db";
import { locations, skuLocations, skus, spus, stockAdjustments, users } from "@/db/schema";
import { notifyRestocked } from "@/lib/alerts/restock";
import { lineName } from "@/lib/catalog/product-name";
import { clearSoldOut } from "@/lib/orders/soldout";
import { AppError, ER_WARN_DATA_OUT_OF_RANGE, sqlErrno } from "@/lib/errors";
import { waitingRoomOf, type WaitingRoom } from "@/lib/drops/queue-settings";
import type { AdjustStockInput, TransferStockInput } from "./schemas";

export type StockRow = {
  skuId: number;
  spuId: number;
  product: string;
  /** For the row's thumbnail. */
  category: string;
  hue: number;
  name: string;
  price: string;
  compareAtPrice: string | null;
  code: string | null;
  stock: number;
  sales: number;
  onSale: boolean;
  perCustomerLimit: number | null;
  /** ISO 8601, UTC. */
  saleStartsAt: string | null;
  /** The drop's waiting room (lib/drops/queue.ts); null = none. */
  waitingRoom: WaitingRoom | null;
  /** Where the units are; `stock` is the sum over the active ones. Inactive locations stay listed. */
  locations: StockAtLocation[];
};

export type StockAtLocation = { locationId: number; name: string; stock: number; active: boolean };

export type AdjustmentView = {
  id: number;
  skuId: number;
  locationId: number;
  /** The location's name now. */
  location: string;
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
  compareAtPrice: skus.compareAtPrice,
  code: skus.code,
  stock: skus.stock,
  sales: skus.sales,
  onSale: skus.onSale,
  perCustomerLimit: skus.perCustomerLimit,
  saleStartsAt: skus.saleStartsAt,
  queueAdmitPerSecond: skus.queueAdmitPerSecond,
  queuePassMinutes: skus.queuePassMinutes,
  queueDifficulty: skus.queueDifficulty,
};

type QueueColumns = { queueAdmitPerSecond: number | null; queuePassMinutes: number | null; queueDifficulty: number | null };

const toRow = (
  { saleStartsAt, queueAdmitPerSecond, queuePassMinutes, queueDifficulty, ...row }: Omit<StockRow, "saleStartsAt" | "locations" | "waitingRoom"> & { saleStartsAt: Date | null } & QueueColumns,
  at: Map<number, StockAtLocation[]>,
): StockRow => ({
  ...row,
  saleStartsAt: saleStartsAt?.toISOString() ?? null,
  waitingRoom: waitingRoomOf({ queueAdmitPerSecond, queuePassMinutes, queueDifficulty }),
  locations: at.get(row.skuId) ?? [],
});

/** Each SKU's stock per location (every SKU without `skuIds`), in the order checkout drains them. */
async function stockByLocation(skuIds?: number[]): Promise<Map<number, StockAtLocation[]>> {
  const rows = await getDb()
    .select({ skuId: skuLocations.skuId, locationId: skuLocations.locationId, name: locations.name, stock: skuLocations.stock, active: skuLocations.active })
    .from(skuLocations)
    .innerJoin(locations, eq(locations.id, skuLocations.locationId))
    .where(skuIds ? inArray(skuLocations.skuId, skuIds) : undefined)
    .orderBy(asc(skuLocations.skuId), desc(skuLocations.active), asc(skuLocations.priority), asc(skuLocations.locationId));
  const bySku = new Map<number, StockAtLocation[]>();
  for (const { skuId, ...at } of rows) {
    const list = bySku.get(skuId);
    if (list) list.push(at);
    else bySku.set(skuId, [at]);
  }
  return bySku;
}

/** INT UNSIGNED tops out here; a restock past it is refused by the database (out of range). */
export const MAX_STOCK = 4_294_967_295;

/** Every SKU with its product, in catalog order: what the admin's live table polls. */
export async function listStock(): Promise<StockRow[]> {
  const [rows, at] = await Promise.all([getDb().select(stockColumns).from(skus).innerJoin(spus, eq(spus.id, skus.spuId)).orderBy(asc(spus.id), asc(skus.id)), stockByLocation()]);
  return rows.map((r) => toRow(r, at));
}

/** The table as of now, for the first render before the first poll. */
export async function stockSnapshot(): Promise<{ skus: StockRow[]; at: number }> {
  const skus = await listStock();
  return { skus, at: Date.now() };
}

/** One SKU's row of the stock table, or SKU_NOT_FOUND. */
export async function findSku(skuId: number): Promise<StockRow> {
  const [row] = await getDb().select(stockColumns).from(skus).innerJoin(spus, eq(spus.id, skus.spuId)).where(eq(skus.id, skuId)).limit(1);
  if (!row) throw new AppError("SKU_NOT_FOUND");
  return toRow(row, await stockByLocation([skuId]));
}

/**
 * Applies `delta` at one location and writes its ledger row in one READ COMMITTED transaction.
 * Lock order as in checkout: the SKU row first (so `skus.stock`, the sellable sum, changes with
 * its location row), then the location (shared: a deactivation or re-prioritisation waits), then
 * the SKU's row at that location. `stockAfter` is the location's stock this change left.
 * `locationId` may be left out while the shop has one active location.
 */
export async function adjustStock(input: AdjustStockInput & { skuId: number; adminId: number }): Promise<{ adjustment: AdjustmentView; stock: number }> {
  const { skuId, delta, reason, adminId, locationId } = input;
  try {
    const applied = await getDb().transaction((tx) => applyAdjustment(tx, { skuId, delta, reason, adminId, locationId }), { isolationLevel: "read committed" });
    // After commit: a restock makes any "sold out" hint for this SKU wrong.
    if (delta > 0) await clearSoldOut([skuId]);
    return applied;
  } catch (e) {
    if (sqlErrno(e) === ER_WARN_DATA_OUT_OF_RANGE) throw new AppError("VALIDATION", { message: `That would take stock above ${MAX_STOCK}, the most one SKU can hold.` });
    throw e;
  }
}

/**
 * One adjustment inside the caller's transaction (READ COMMITTED), in the shop's lock order: the
 * SKU row, the location (shared), the SKU's row there; then the units and the ledger row. The
 * console's new variants write their initial stock through it (reason "initial stock").
 */
export async function applyAdjustment(
  tx: Tx,
  { skuId, delta, reason, adminId, locationId }: { skuId: number; delta: number; reason: string; adminId: number; locationId?: number },
): Promise<{ adjustment: AdjustmentView; stock: number }> {
  const before = await lockSku(tx, skuId);
  const at = await lockLocation(tx, locationId ?? (await onlyActiveLocation(tx)));
  const row = await lockSkuAt(tx, skuId, at);
  if (delta < 0 && row.stock < -delta) throw await wouldGoNegative(tx, skuId, at, row.stock, -delta);
  const stockAfter = await moveUnits(tx, skuId, at, delta);
  const adjustment = await writeLedger(tx, { skuId, location: at, delta, stockAfter, reason, adminId });
  const stock = await sellable(tx, skuId);
  await notifyRestocked(tx, [{ skuId, before, after: stock }]);
  return { adjustment, stock };
}

/**
 * Moves `count` units of a SKU from one location to another: one transaction, two ledger rows
 * (minus at the source, plus at the destination), refused with 409 and the units available if
 * the source lacks them at commit. `skus.stock` changes only when one side is inactive.
 */
export async function transferStock(input: TransferStockInput & { skuId: number; adminId: number }): Promise<TransferView> {
  const { skuId, fromLocationId, toLocationId, count, reason, adminId } = input;
  try {
    const moved = await getDb().transaction(
      async (tx) => {
        const before = await lockSku(tx, skuId);
        // Both locations in ascending id, so two transfers in opposite directions cannot deadlock on them.
        const [low, high] = fromLocationId < toLocationId ? [fromLocationId, toLocationId] : [toLocationId, fromLocationId];
        const lowLoc = await lockLocation(tx, low);
        const highLoc = await lockLocation(tx, high);
        const from = lowLoc.id === fromLocationId ? lowLoc : highLoc;
        const to = lowLoc.id === fromLocationId ? highLoc : lowLoc;
        const source = await lockSkuAt(tx, skuId, from);
        await lockSkuAt(tx, skuId, to);
        if (source.stock < count) throw await wouldGoNegative(tx, skuId, from, source.stock, count);
        const fromAfter = await moveUnits(tx, skuId, from, -count);
        const toAfter = await moveUnits(tx, skuId, to, count);
        const out = await writeLedger(tx, { skuId, location: from, delta: -count, stockAfter: fromAfter, reason, adminId });
        const into = await writeLedger(tx, { skuId, location: to, delta: count, stockAfter: toAfter, reason, adminId });
        const stock = await sellable(tx, skuId);
        // An inactive source makes a transfer a restock of the sellable sum.
        await notifyRestocked(tx, [{ skuId, before, after: stock }]);
        return { from: out, to: into, stock };
      },
      { isolationLevel: "read committed" },
    );
    await clearSoldOut([skuId]);
    return moved;
  } catch (e) {
    if (sqlErrno(e) === ER_WARN_DATA_OUT_OF_RANGE) throw new AppError("VALIDATION", { message: `That would take stock above ${MAX_STOCK}, the most one location can hold.` });
    throw e;
  }
}

export type TransferView = { from: AdjustmentView; to: AdjustmentView; stock: number };

type LockedLocation = { id: number; name: string; priority: number; active: boolean };

/** The SKU row, locked: the first lock of every stock change (as in checkout). Its sellable stock before the change. */
async function lockSku(tx: Tx, skuId: number): Promise<number> {
  const [row] = await tx.select({ stock: skus.stock }).from(skus).where(eq(skus.id, skuId)).for("update");
  if (!row) throw new AppError("SKU_NOT_FOUND");
  return row.stock;
}

/** Shared lock: a location change (which locks it exclusively, after the SKU rows) waits for this transaction. */
async function lockLocation(tx: Tx, locationId: number): Promise<LockedLocation> {
  // LOCK IN SHARE MODE, not FOR SHARE: MariaDB 10.11 has only the older spelling (MySQL 8 has both).
  const [rows] = (await tx.execute(sql`SELECT id, name, priority, active FROM locations WHERE id = ${locationId} LOCK IN SHARE MODE`)) as unknown as [RowDataPacket[]];
  const row = rows[0];
  if (!row) throw new AppError("LOCATION_NOT_FOUND");
  return { id: Number(row.id), name: String(row.name), priority: Number(row.priority), active: Boolean(row.active) };
}

/** Up to two active locations: enough to tell a shop that keeps stock in one place from one that does not. */
const activeLocations = (tx: Tx) => tx.select({ id: locations.id }).from(locations).where(eq(locations.active, true)).limit(2);

async function onlyActiveLocation(tx: Tx): Promise<number> {
  const active = await activeLocations(tx);
  if (active.length !== 1) {
    throw new AppError("VALIDATION", {
      message: "Name the location (locationId): this shop keeps stock in more than one place.",
      details: { fieldErrors: { locationId: ["Choose a location."] } },
    });
  }
  return active[0]!.id;
}

/** The SKU's row at a location, locked; created empty (as the location is now) if the SKU was never kept there. */
async function lockSkuAt(tx: Tx, skuId: number, at: LockedLocation): Promise<{ stock: number }> {
  const where = and(eq(skuLocations.skuId, skuId), eq(skuLocations.locationId, at.id));
  const [row] = await tx.select({ stock: skuLocations.stock }).from(skuLocations).where(where).for("update");
  if (row) return row;
  await tx.insert(skuLocations).values({ skuId, locationId: at.id, stock: 0, priority: at.priority, active: at.active });
  return { stock: 0 };
}

/** `delta` units in or out at a location; the sellable sum follows when the location is active. Its stock after. */
async function moveUnits(tx: Tx, skuId: number, at: LockedLocation, delta: number): Promise<number> {
  // Never a negative unsigned value computed: `stock - n` for a removal (checked above), `stock + n` for an addition.
  const change = (column: typeof skus.stock | typeof skuLocations.stock) => (delta >= 0 ? sql`${column} + ${delta}` : sql`${column} - ${-delta}`);
  const where = and(eq(skuLocations.skuId, skuId), eq(skuLocations.locationId, at.id));
  await tx.update(skuLocations).set({ stock: change(skuLocations.stock) }).where(where);
  // The copy in sku_locations is the one kept under this SKU's lock (lib/admin/locations.ts).
  const [after] = await tx.select({ stock: skuLocations.stock, active: skuLocations.active }).from(skuLocations).where(where);
  if (after!.active) await tx.update(skus).set({ stock: change(skus.stock) }).where(eq(skus.id, skuId));
  return after!.stock;
}

const sellable = async (tx: Tx, skuId: number) => (await tx.select({ stock: skus.stock }).from(skus).where(eq(skus.id, skuId)))[0]!.stock;

async function wouldGoNegative(tx: Tx, skuId: number, at: LockedLocation, available: number, wanted: number): Promise<AppError> {
  const [row] = await tx.select({ name: skus.name, product: spus.name }).from(skus).innerJoin(spus, eq(spus.id, skus.spuId)).where(eq(skus.id, skuId));
  // A shop that keeps stock in one place is told nothing about places.
  const where = (await activeLocations(tx)).length > 1 ? ` at ${at.name}` : "";
  return new AppError("STOCK_WOULD_GO_NEGATIVE", {
    message: `Only ${available} of ${lineName(skuId, row)} in stock${where}: removing ${wanted} would take it below zero.`,
    details: { stock: available, available, locationId: at.id },
  });
}

async function writeLedger(
  tx: Tx,
  { skuId, location, delta, stockAfter, reason, adminId }: { skuId: number; location: LockedLocation; delta: number; stockAfter: number; reason: string; adminId: number },
): Promise<AdjustmentView> {
  const createdAt = new Date();
  const [inserted] = await tx.insert(stockAdjustments).values({ skuId, locationId: location.id, delta, stockAfter, reason, adminId, createdAt }).$returningId();
  const [admin] = await tx.select({ username: users.username }).from(users).where(eq(users.id, adminId));
  return {
    id: inserted!.id,
    skuId,
    locationId: location.id,
    location: location.name,
    delta,
    stockAfter,
    reason,
    adminId,
    admin: admin?.username ?? `#${adminId}`,
    createdAt: createdAt.toISOString(),
  };
}

/** One SKU's ledger, newest first. */
export async function listAdjustments(skuId: number, limit = 100): Promise<AdjustmentView[]> {
  await findSku(skuId);
  const rows = await getDb()
    .select({
      id: stockAdjustments.id,
      skuId: stockAdjustments.skuId,
      locationId: stockAdjustments.locationId,
      location: locations.name,
      delta: stockAdjustments.delta,
      stockAfter: stockAdjustments.stockAfter,
      reason: stockAdjustments.reason,
      adminId: stockAdjustments.adminId,
      admin: users.username,
      createdAt: stockAdjustments.createdAt,
    })
    .from(stockAdjustments)
    .innerJoin(users, eq(users.id, stockAdjustments.adminId))
    .innerJoin(locations, eq(locations.id, stockAdjustments.locationId))
    .where(eq(stockAdjustments.skuId, skuId))
    .orderBy(desc(stockAdjustments.createdAt), desc(stockAdjustments.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
