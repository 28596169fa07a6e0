import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { AppError, duplicateKeyName } from "@/lib/errors";
import { clearSoldOut } from "@/lib/orders/soldout";
import { catalogChanged } from "@/lib/platform/page-cache/changes";
import { diff, lockActor, recordAudit } from "@/lib/audit/history";
import { waitingRoomColumns } from "@/lib/drops/queue-settings";
import { catalogDuplicate } from "./catalog/duplicates";
import { compareAtAbovePrice, COMPARE_AT_PROBLEM, type UpdateSkuInput } from "./schemas";
import { findSku, type StockRow } from "./stock";

/** What the history calls a change of these fields. */
const skuAction = (fields: string[]) =>
  fields.every((f) => f.startsWith("queue")) ? "waiting room changed" : fields.every((f) => f === "price" || f === "compareAtPrice") ? "price changed" : fields.length === 1 && fields[0] === "onSale" ? "on sale switched" : "updated";

/**
 * Changes a SKU's settings: on sale or not, the per-customer limit, the launch time, the waiting room, its price,
 * compare-at price, code and name, with one audit row, in one READ COMMITTED transaction (the
 * actor's row, then the SKU's). They apply to carts and checkouts from now on; existing orders
 * keep the name and price their lines were sold at. The unique indexes refuse a taken name or code.
 */
export async function updateSku(skuId: number, change: UpdateSkuInput, actorId: number): Promise<StockRow> {
  let changed: boolean;
  try {
    changed = await getDb().transaction(
      async (tx) => {
        await lockActor(tx, actorId);
        const [before] = await tx.select().from(skus).where(eq(skus.id, skuId)).for("update");
        if (!before) throw new AppError("SKU_NOT_FOUND");
        if (!compareAtAbovePrice(change.price ?? before.price, change.compareAtPrice === undefined ? before.compareAtPrice : change.compareAtPrice)) {
          throw new AppError("VALIDATION", { message: COMPARE_AT_PROBLEM, details: { fieldErrors: { compareAtPrice: [COMPARE_AT_PROBLEM] } } });
        }
        const { waitingRoom, ...fields } = change;
        const columns = { ...fields, ...(waitingRoom === undefined ? {} : waitingRoomColumns(waitingRoom)) };
        const changes = diff(before, columns);
        if (Object.keys(changes).length === 0) return false;
        await tx.update(skus).set(columns).where(eq(skus.id, skuId));
        await recordAudit(tx, { actorId, entity: "sku", entityId: skuId, spuId: before.spuId, action: skuAction(Object.keys(changes)), changes });
        return true;
      },
      { isolationLevel: "read committed" },
    );
  } catch (e) {
    if (duplicateKeyName(e) === "skus_spu_name_idx" && change.name !== undefined) throw await nameTaken(skuId, change.name);
    throw catalogDuplicate(e, { code: change.code });
  }
  // An off-sale SKU counts as sold out to the batched checkout; back on sale, it may be bought again.
  if (change.onSale) await clearSoldOut([skuId]);
  if (changed) await catalogChanged();
  return findSku(skuId);
}
/** Variant names are unique per product (skus_spu_name_idx), compared without case. */
async function nameTaken(skuId: number, name: string): Promise<AppError> {
  const { product } = await findSku(skuId);
  return new AppError("SKU_NAME_TAKEN", { message: `${product} already has a variant named “${name}”.` });
}
