"use server";

import { z } from "zod";
import { asUser, type ActionState } from "@/lib/web/action";
import { adjustStockForm, priceAndNameForm, saleSettingsForm, updateSkuSchema, type UpdateSkuInput } from "@/lib/admin/schemas";
import { adjustStock, updateSku, type StockRow } from "@/lib/admin/stock";
import { AppError } from "@/lib/errors";

// Bound arguments come from the client like any other input: a server action is a public endpoint.
const skuIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

function skuIdOf(value: unknown): number {
  const parsed = skuIdSchema.safeParse(value);
  if (!parsed.success) throw new AppError("SKU_NOT_FOUND");
  return parsed.data;
}

export type AdjustStockResult = { delta: number; stock: number };

export async function adjustStockAction(skuId: number, _prev: ActionState<AdjustStockResult>, form: FormData): Promise<ActionState<AdjustStockResult>> {
  return asUser(
    async (admin) => {
      const input = adjustStockForm.parse({ delta: form.get("delta") ?? undefined, reason: form.get("reason") ?? undefined });
      const { stock } = await adjustStock({ ...input, skuId: skuIdOf(skuId), adminId: admin.id });
      return { delta: input.delta, stock };
    },
    { role: "admin" },
  );
}

/** An admin's change to one SKU through `updateSku` (as `PUT /api/admin/skus/:id`), answered with what the form shows. */
async function changeSku<R>(skuId: number, parse: () => UpdateSkuInput, answer: (sku: StockRow) => R): Promise<ActionState<R>> {
  return asUser(async () => answer(await updateSku(skuIdOf(skuId), parse())), { role: "admin" });
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
