"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ProductStatus } from "@/db/schema";
import { createProduct, updateProduct } from "@/lib/admin/catalog/products";
import { productForm, productStatus, stockFields, updateProductSchema, variantForm } from "@/lib/admin/catalog/schemas";
import { createVariant } from "@/lib/admin/catalog/variants";
import { updateSkuSchema } from "@/lib/admin/schemas";
import { updateSku } from "@/lib/admin/sku-settings";
import { waitingRoomForm } from "@/lib/drops/queue-settings";
import { AppError } from "@/lib/errors";
import { asUser, type ActionState } from "@/lib/web/action";

// Thin adapters over lib/admin/catalog: the same services and schemas as /api/admin/products.
// Bound ids come from the client like any other input: a server action is a public endpoint.
const idSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
function idOf(value: unknown, notFound: "PRODUCT_NOT_FOUND" | "SKU_NOT_FOUND"): number {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw new AppError(notFound);
  return parsed.data;
}
const text = (form: FormData, name: string) => form.get(name) ?? undefined;
const productPath = (spuId: number) => `/admin/products/${spuId}`;

export type ProductSaved = { spuId: number; name: string };

/** "Create product": a draft (or active when chosen), then its page, where variants are added. */
export async function createProductAction(_prev: ActionState<ProductSaved>, form: FormData): Promise<ActionState<ProductSaved>> {
  const state = await asUser(
    async (admin) => {
      const input = productForm.parse({ name: text(form, "name"), description: text(form, "description"), category: text(form, "category"), status: text(form, "status") });
      const product = await createProduct({ ...input, status: input.status ?? "draft" }, admin.id);
      return { spuId: product.spuId, name: product.name };
    },
    { role: "admin" },
  );
  if (!state.ok) return state;
  revalidatePath("/admin/products");
  redirect(productPath(state.data.spuId));
}

/** The product's details form (status has its own buttons). */
export async function updateProductAction(spuId: number, _prev: ActionState<ProductSaved>, form: FormData): Promise<ActionState<ProductSaved>> {
  const state = await asUser(
    async (admin) => {
      const { status: _status, ...input } = productForm.parse({ name: text(form, "name"), description: text(form, "description"), category: text(form, "category") });
      const product = await updateProduct(idOf(spuId, "PRODUCT_NOT_FOUND"), updateProductSchema.parse(input), admin.id);
      return { spuId: product.spuId, name: product.name };
    },
    { role: "admin" },
  );
  if (state.ok) revalidatePath(productPath(spuId));
  return state;
}

export type StatusSaved = { status: ProductStatus };

/** Publish, archive, restore or move back to draft: asked to confirm on the page. */
export async function setProductStatusAction(spuId: number, status: ProductStatus): Promise<ActionState<StatusSaved>> {
  const state = await asUser(
    async (admin) => {
      const product = await updateProduct(idOf(spuId, "PRODUCT_NOT_FOUND"), { status: productStatus.parse(status) }, admin.id);
      return { status: product.status };
    },
    { role: "admin" },
  );
  if (state.ok) revalidatePath(productPath(spuId));
  return state;
}

export type VariantSaved = { skuId: number; name: string };

/** "Add variant": its price, code, drop settings and initial stock per location (`stock.<locationId>`). */
export async function addVariantAction(spuId: number, _prev: ActionState<VariantSaved>, form: FormData): Promise<ActionState<VariantSaved>> {
  const state = await asUser(
    async (admin) => {
      const input = variantForm.parse({
        name: text(form, "name"),
        price: text(form, "price"),
        code: text(form, "code"),
        compareAtPrice: text(form, "compareAtPrice"),
        perCustomerLimit: text(form, "perCustomerLimit"),
        saleStartsAt: text(form, "saleStartsAt"),
        stock: stockFields(form),
      });
      const sku = await createVariant(idOf(spuId, "PRODUCT_NOT_FOUND"), input, admin.id);
      return { skuId: sku.skuId, name: sku.name };
    },
    { role: "admin" },
  );
  if (state.ok) revalidatePath(productPath(spuId));
  return state;
}

/** A variant's card: every setting at once, through the same service as `PUT /api/admin/skus/:id` (stock stays in the Stock room). */
export async function updateVariantAction(spuId: number, skuId: number, _prev: ActionState<VariantSaved>, form: FormData): Promise<ActionState<VariantSaved>> {
  const state = await asUser(
    async (admin) => {
      const { stock: _stock, ...fields } = variantForm.parse({
        name: text(form, "name"),
        price: text(form, "price"),
        code: text(form, "code"),
        compareAtPrice: text(form, "compareAtPrice"),
        perCustomerLimit: text(form, "perCustomerLimit"),
        saleStartsAt: text(form, "saleStartsAt"),
        stock: [],
      });
      const waitingRoom = waitingRoomForm.parse({
        waitingRoom: form.get("waitingRoom"),
        admitPerSecond: text(form, "admitPerSecond"),
        passMinutes: text(form, "passMinutes"),
        difficulty: text(form, "difficulty"),
      });
      const change = updateSkuSchema.parse({ ...fields, onSale: form.get("onSale") === "on", saleStartsAt: fields.saleStartsAt?.toISOString() ?? null, waitingRoom });
      const sku = await updateSku(idOf(skuId, "SKU_NOT_FOUND"), change, admin.id);
      return { skuId: sku.skuId, name: sku.name };
    },
    { role: "admin" },
  );
  if (state.ok) revalidatePath(productPath(spuId));
  return state;
}
