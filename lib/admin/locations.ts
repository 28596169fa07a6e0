import "server-only";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db";
import { locations, skuLocations, skus } from "@/db/schema";
import { notifyRestocked } from "@/lib/alerts/restock";
import { AppError, isDuplicateKey } from "@/lib/errors";
import { clearSoldOut } from "@/lib/orders/soldout";
import type { CreateLocationInput, UpdateLocationInput } from "./schemas";

export type LocationView = { locationId: number; name: string; priority: number; active: boolean };

const columns = { locationId: locations.id, name: locations.name, priority: locations.priority, active: locations.active };

/** Every location in the order checkout drains them (priority, then id). */
export async function listLocations(): Promise<LocationView[]> {
  return getDb().select(columns).from(locations).orderBy(asc(locations.priority), asc(locations.id));
}

async function findLocation(locationId: number): Promise<LocationView> {
  const [row] = await getDb().select(columns).from(locations).where(eq(locations.id, locationId));
  if (!row) throw new AppError("LOCATION_NOT_FOUND");
  return row;
}

const nameTaken = (name: string) => new AppError("LOCATION_NAME_TAKEN", { message: `There is already a location named “${name}”.` });

/** A new active location; it holds nothing until an adjustment or a transfer puts units there. */
export async function createLocation({ name, priority }: CreateLocationInput): Promise<LocationView> {
  try {
    const [row] = await getDb().insert(locations).values({ name, priority, active: true }).$returningId();
    return findLocation(row!.id);
  } catch (e) {
    if (isDuplicateKey(e)) throw nameTaken(name);
    throw e;
  }
}

/** A location changed while its SKUs were being locked: lock them again. */
class SkuSetChanged extends Error {}

/**
 * Renames, re-prioritises, deactivates or reactivates a location. A rename touches the one row.
 * Priority and active are also copied on the location's `sku_locations` rows (what checkout
 * reads), and deactivating or reactivating takes or gives back that location's units to each
 * SKU's sellable `skus.stock`, so those changes lock, in the shop's one lock order, every SKU
 * kept there (ascending id), then every location row (the "last active location" check must not
 * race another deactivation), then the rows themselves. A SKU first stocked there after the SKU
 * rows were read is caught by re-reading under the location lock, and the attempt runs again.
 * Deactivating the last active location is refused (409): nothing could be sold.
 */
export async function updateLocation(locationId: number, change: UpdateLocationInput): Promise<LocationView> {
  await findLocation(locationId);
  let reactivated: number[] = [];
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        reactivated = await getDb().transaction((tx) => applyChange(tx, locationId, change), { isolationLevel: "read committed" });
        break;
      } catch (e) {
        if (!(e instanceof SkuSetChanged) || attempt >= 5) throw e instanceof SkuSetChanged ? new AppError("BUSY", { retryAfter: 1 }) : e;
      }
    }
  } catch (e) {
    if (isDuplicateKey(e) && change.name !== undefined) throw nameTaken(change.name);
    throw e;
  }
  // Units that became sellable again make a "sold out" hint wrong.
  if (reactivated.length > 0) await clearSoldOut(reactivated);
  return findLocation(locationId);
}

/** Answers the SKUs whose units became sellable again. */
async function applyChange(tx: Tx, locationId: number, change: UpdateLocationInput): Promise<number[]> {
  const copied = change.priority !== undefined || change.active !== undefined;
  let skuIds: number[] = [];
  let before: { id: number; stock: number }[] = [];
  if (copied) {
    skuIds = await skusAt(tx, locationId);
    if (skuIds.length > 0) before = await tx.select({ id: skus.id, stock: skus.stock }).from(skus).where(inArray(skus.id, skuIds)).orderBy(asc(skus.id)).for("update");
  }
  const all = await tx.select(columns).from(locations).orderBy(asc(locations.id)).for("update");
  const target = all.find((l) => l.locationId === locationId);
  if (!target) throw new AppError("LOCATION_NOT_FOUND");
  if (copied && (await skusAt(tx, locationId)).some((id) => !skuIds.includes(id))) throw new SkuSetChanged();
  const activeNow = change.active !== undefined && change.active !== target.active;
  if (activeNow && !change.active && all.filter((l) => l.active).length === 1) {
    throw new AppError("LAST_ACTIVE_LOCATION", { message: `${target.name} is the only active location: activate another before deactivating it.` });
  }
  if (activeNow) {
    // Its units leave (or rejoin) every SKU's sellable sum, under the SKU locks taken above.
    const sign = change.active ? sql`+` : sql`-`;
    await tx.execute(
      sql`UPDATE skus s JOIN sku_locations sl ON sl.sku_id = s.id AND sl.location_id = ${locationId} SET s.stock = s.stock ${sign} sl.stock WHERE sl.stock > 0`,
    );
  }
  const copy = { ...(change.priority !== undefined && { priority: change.priority }), ...(change.active !== undefined && { active: change.active }) };
  if (Object.keys(copy).length > 0) await tx.update(skuLocations).set(copy).where(eq(skuLocations.locationId, locationId));
  await tx.update(locations).set(change).where(eq(locations.id, locationId));
  if (!(activeNow && change.active)) return [];
  // A reactivated location restocks every SKU it holds units of: the ones it takes from 0 notify their subscribers.
  if (skuIds.length > 0) {
    const after = new Map((await tx.select({ id: skus.id, stock: skus.stock }).from(skus).where(inArray(skus.id, skuIds))).map((s) => [s.id, s.stock]));
    await notifyRestocked(tx, before.map((s) => ({ skuId: s.id, before: s.stock, after: after.get(s.id) ?? s.stock })));
  }
  return skuIds;
}

const skusAt = async (tx: Tx, locationId: number) =>
  (await tx.select({ skuId: skuLocations.skuId }).from(skuLocations).where(eq(skuLocations.locationId, locationId)).orderBy(asc(skuLocations.skuId))).map((r) => r.skuId);
