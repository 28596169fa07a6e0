"use server";

import { z } from "zod";
import { asUser, type ActionState } from "@/lib/web/action";
import { createLocation, updateLocation, type LocationView } from "@/lib/admin/locations";
import { adjustStockForm, locationForm, priceAndNameForm, saleSettingsForm, transferStockForm, updateLocationSchema, updateSkuSchema, type UpdateSkuInput } from "@/lib/admin/schemas";
import { updateSku } from "@/lib/admin/sku-settings";
import { adjustStock, transferStock, type StockRow } from "@/lib/admin/stock";
import { AppError } from "@/lib/errors";

// Bound arguments come from the client like any other input: a server action is a public endpoint.
const skuIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

function idOf(value: unknown, notFound: "SKU_NOT_FOUND" | "LOCATION_NOT_FOUND"): number {
  const parsed = skuIdSchema.safeParse(value);
  if (!parsed.success) throw new AppError(notFound);
  return parsed.data;
}

const skuIdOf = (value: unknown) => idOf(value, "SKU_NOT_FOUND");

export type AdjustStockResult = { delta: number; stock: number };

export async function adjustStockAction(skuId: number, _prev: ActionState<AdjustStockResult>, form: FormData): Promise<ActionState<AdjustStockResult>> {
  return asUser(
    async (admin) => {
      const input = adjustStockForm.parse({ delta: form.get("delta") ?? undefined, reason: form.get("reason") ?? undefined, locationId: form.get("locationId") ?? undefined });
      const { stock } = await adjustStock({ ...input, skuId: skuIdOf(skuId), adminId: admin.id });
      return { delta: input.delta, stock };
    },
    { role: "admin" },
  );
}

/** An admin's change to one SKU through `updateSku` (as `PUT /api/admin/skus/:id`), answered with what the form shows. */
async function changeSku<R>(skuId: number, parse: () => UpdateSkuInput, answer: (sku: StockRow) => R): Promise<ActionState<R>> {
  return asUser(async (admin) => answer(await updateSku(skuIdOf(skuId), parse(), admin.id)), { role: "admin" });
}

export async function setOnSaleAction(skuId: number, onSale: boolean): Promise<ActionState<{ onSale: boolean }>> {
  return changeSku(
    skuId,
    () => updateSkuSchema.parse({ onSale }),
    (sku) => ({ onSale: sku.onSale }),
  );
}

export type SaleSettingsResult = { perCustomerLimit: number | null; saleStartsAt: string | null };

/** The Manage panel's limit and launch time; the same service as `PUT /api/admin/skus/:id`. */
export async function updateSaleSettingsAction(skuId: number, _prev: ActionState<SaleSettingsResult>, form: FormData): Promise<ActionState<SaleSettingsResult>> {
  return changeSku(
    skuId,
    () => saleSettingsForm.parse({ perCustomerLimit: form.get("perCustomerLimit") ?? undefined, saleStartsAt: form.get("saleStartsAt") ?? undefined }),
    (sku) => ({ perCustomerLimit: sku.perCustomerLimit, saleStartsAt: sku.saleStartsAt }),
  );
}

export type PriceAndNameResult = { price: string; name: string };

/** The Manage panel's price and variant name; the same service as `PUT /api/admin/skus/:id`. */
export async function updatePriceAndNameAction(skuId: number, _prev: ActionState<PriceAndNameResult>, form: FormData): Promise<ActionState<PriceAndNameResult>> {
  return changeSku(
    skuId,
    () => priceAndNameForm.parse({ price: form.get("price") ?? undefined, name: form.get("name") ?? undefined }),
    (sku) => ({ price: sku.price, name: sku.name }),
  );
}

export type TransferResult = { count: number; from: string; to: string; stock: number };

/** The Manage panel's transfer between two locations; the same service as `POST /api/admin/stock/:skuId/transfers`. */
export async function transferStockAction(skuId: number, _prev: ActionState<TransferResult>, form: FormData): Promise<ActionState<TransferResult>> {
  return asUser(
    async (admin) => {
      const input = transferStockForm.parse({
        fromLocationId: form.get("fromLocationId") ?? undefined,
        toLocationId: form.get("toLocationId") ?? undefined,
        count: form.get("count") ?? undefined,
        reason: form.get("reason") ?? undefined,
      });
      const moved = await transferStock({ ...input, skuId: skuIdOf(skuId), adminId: admin.id });
      return { count: input.count, from: moved.from.location, to: moved.to.location, stock: moved.stock };
    },
    { role: "admin" },
  );
}

/** The locations manager's "add": the same service as `POST /api/admin/locations`. */
export async function createLocationAction(_prev: ActionState<LocationView>, form: FormData): Promise<ActionState<LocationView>> {
  return asUser(async () => createLocation(locationForm.parse({ name: form.get("name") ?? undefined, priority: form.get("priority") ?? undefined })), { role: "admin" });
}

/** A location's card in the manager: rename and re-prioritise from its form's strings (as `PUT /api/admin/locations/:id`). */
export async function saveLocationAction(locationId: number, _prev: ActionState<LocationView>, form: FormData): Promise<ActionState<LocationView>> {
  return asUser(
    async () => updateLocation(idOf(locationId, "LOCATION_NOT_FOUND"), locationForm.parse({ name: form.get("name") ?? undefined, priority: form.get("priority") ?? undefined })),
    { role: "admin" },
  );
}

/** Deactivate or reactivate: the same service as `PUT /api/admin/locations/:id {active}`. */
export async function setLocationActiveAction(locationId: number, active: boolean): Promise<ActionState<LocationView>> {
  return asUser(async () => updateLocation(idOf(locationId, "LOCATION_NOT_FOUND"), updateLocationSchema.parse({ active })), { role: "admin" });
}
