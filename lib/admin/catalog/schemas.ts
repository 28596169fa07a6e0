import { z } from "zod";
import { NAME_LENGTH, PRODUCT_STATUSES } from "@/db/schema";
import { MAX_ADJUSTMENT } from "@/lib/admin/limits";
import { compareAtAbovePrice, compareAtPrice, COMPARE_AT_PROBLEM, perCustomerLimit, price, saleSettingsForm, saleStartsAt, skuCode, skuName } from "@/lib/admin/schemas";

/** The longest description: plain text, paragraphs separated by blank lines. */
export const MAX_DESCRIPTION = 5000;
/** spus.category is VARCHAR(64). */
export const MAX_CATEGORY = 64;
/** Variants a product may be created with in one request. */
export const MAX_FIRST_VARIANTS = 50;

const chars = (s: string) => [...s].length;

const productName = z
  .string({ error: "Name must be a string, e.g. Trail Runner 2." })
  .trim()
  .min(1, "Enter a product name, e.g. Trail Runner 2.")
  .refine((s) => chars(s) <= NAME_LENGTH.product, `Name can be at most ${NAME_LENGTH.product} characters.`);

/** Plain text: Windows line ends become \n, trailing spaces of the whole go; paragraphs are blank-line separated. */
const description = z
  .string({ error: "Description must be text." })
  .transform((s) => s.replace(/\r\n?/g, "\n").trim())
  .refine((s) => chars(s) <= MAX_DESCRIPTION, `Description can be at most ${MAX_DESCRIPTION} characters.`);

const category = z
  .string({ error: "Category must be a string, e.g. Shoes." })
  .trim()
  .min(1, "Pick a category or type a new one, e.g. Shoes.")
  .refine((s) => chars(s) <= MAX_CATEGORY, `Category can be at most ${MAX_CATEGORY} characters.`);

export const productStatus = z.enum(PRODUCT_STATUSES, { error: `status must be one of ${PRODUCT_STATUSES.join(", ")}.` });

const COUNT_PROBLEM = `Initial stock must be a whole number from 0 to ${MAX_ADJUSTMENT}.`;
const ID_PROBLEM = "locationId must be a location id (a whole number from 1).";

/** Units a new variant starts with at one location, written to the ledger as "initial stock". */
const stockAt = z
  .object({
    locationId: z.number({ error: ID_PROBLEM }).int(ID_PROBLEM).min(1, ID_PROBLEM).max(Number.MAX_SAFE_INTEGER, ID_PROBLEM),
    count: z.number({ error: COUNT_PROBLEM }).int(COUNT_PROBLEM).min(0, COUNT_PROBLEM).max(MAX_ADJUSTMENT, COUNT_PROBLEM),
  })
  .strict();

const initialStock = z
  .array(stockAt, { error: "stock must be a list of { locationId, count }." })
  .max(100, "stock can name at most 100 locations.")
  .refine((list) => new Set(list.map((s) => s.locationId)).size === list.length, "Name each location once in stock.");

/** A new variant as the API receives it. */
export const createSkuSchema = z
  .object({
    name: skuName,
    price,
    code: skuCode.optional(),
    compareAtPrice: compareAtPrice.optional(),
    perCustomerLimit: perCustomerLimit.optional(),
    saleStartsAt: saleStartsAt.optional(),
    stock: initialStock.optional(),
  })
  .strict()
  .refine((v) => compareAtAbovePrice(v.price, v.compareAtPrice), { message: COMPARE_AT_PROBLEM, path: ["compareAtPrice"] });
export type CreateSkuInput = z.infer<typeof createSkuSchema>;

/** A new product, a draft unless `status` says otherwise, optionally with its first variants (one transaction). */
export const createProductSchema = z
  .object({
    name: productName,
    description,
    category,
    status: productStatus.default("draft"),
    skus: z.array(createSkuSchema, { error: "skus must be a list of variants." }).max(MAX_FIRST_VARIANTS, `At most ${MAX_FIRST_VARIANTS} variants at once.`).optional(),
  })
  .strict();
export type CreateProductInput = z.infer<typeof createProductSchema>;

export const updateProductSchema = z
  .object({ name: productName.optional(), description: description.optional(), category: category.optional(), status: productStatus.optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Send at least one of name, description, category, status.");
export type UpdateProductInput = z.infer<typeof updateProductSchema>;

/** `GET /api/admin/products?status=&q=`: both optional; a blank status means every status. */
export const productFilterSchema = z.object({
  status: z.preprocess((v) => (v === "" || v === null ? undefined : v), productStatus.optional()),
  q: z
    .string()
    .nullish()
    .transform((s) => (s ?? "").trim().replace(/\s+/g, " ").slice(0, 80)),
});
export type ProductFilter = z.infer<typeof productFilterSchema>;

// The console's forms: every field a string, blank = none.

const blankIsNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);
const blankIsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** The product form (new and edit): the same rules as the API. */
export const productForm = z.object({ name: productName, description, category, status: z.preprocess(blankIsUndefined, productStatus.optional()) });

const COUNT_FORM = `Stock must be a whole number from 0 to ${MAX_ADJUSTMENT}, or blank for none.`;

/**
 * The add-variant form. `stock` arrives as one string per location (`stock.<locationId>`), blank
 * meaning none; the page turns the admin's local launch time into ISO 8601 with their offset.
 */
export const variantForm = z
  .object({
    name: skuName,
    price,
    code: z.preprocess(blankIsNull, skuCode),
    compareAtPrice: z.preprocess(blankIsNull, compareAtPrice),
    // The limit and launch time read exactly as the stock room's sale settings read them.
    perCustomerLimit: saleSettingsForm.shape.perCustomerLimit,
    saleStartsAt: saleSettingsForm.shape.saleStartsAt,
    stock: z.array(z.object({ locationId: z.number(), count: z.preprocess(blankIsUndefined, z.string({ error: COUNT_FORM }).trim().regex(/^\d+$/, COUNT_FORM).transform(Number).pipe(z.number().max(MAX_ADJUSTMENT, COUNT_FORM)).optional()) })),
  })
  .refine((v) => compareAtAbovePrice(v.price, v.compareAtPrice), { message: COMPARE_AT_PROBLEM, path: ["compareAtPrice"] })
  .transform(({ stock, ...v }): CreateSkuInput => ({ ...v, stock: stock.flatMap((s) => (s.count ? [{ locationId: s.locationId, count: s.count }] : [])) }));

/** A form's `stock.<locationId>` fields as the variant form's list. */
export function stockFields(form: FormData): { locationId: number; count: unknown }[] {
  const list: { locationId: number; count: unknown }[] = [];
  for (const [key, value] of form.entries()) {
    const m = /^stock\.([1-9]\d{0,15})$/.exec(key);
    if (m) list.push({ locationId: Number(m[1]), count: value });
  }
  return list;
}
