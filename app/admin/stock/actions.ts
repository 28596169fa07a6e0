"use server";

import { asUser, type ActionState } from "@/lib/web/action";
import { adjustStockForm, priceAndNameForm, saleSettingsForm, transferStockForm, updateSkuSchema, type UpdateSkuInput } from "@/lib/admin/schemas";
import { updateSku } from "@/lib/admin/sku-settings";
import { adjustStock, transferStock, type StockRow } from "@/lib/admin/stock";
import { idOf } from "@/app/admin/ui/ids";

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
