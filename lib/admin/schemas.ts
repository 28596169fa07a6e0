import { z } from "zod";
import { NAME_LENGTH, ORDER_STATUSES } from "@/db/schema";
import { MAX_LINE_QTY } from "@/lib/cart/limits";
import { waitingRoomSchema } from "@/lib/drops/queue-settings";
import { toCents, toDecimal } from "@/lib/money";
import { MAX_ADJUSTMENT, MAX_PRICE_CENTS } from "./limits";

const delta = z
  .number({ error: "Delta must be a whole number, e.g. 10 or -2." })
  .int("Delta must be a whole number, e.g. 10 or -2.")
  .min(-MAX_ADJUSTMENT, `Delta must be between -${MAX_ADJUSTMENT} and ${MAX_ADJUSTMENT}.`)
  .max(MAX_ADJUSTMENT, `Delta must be between -${MAX_ADJUSTMENT} and ${MAX_ADJUSTMENT}.`)
  .refine((n) => n !== 0, "Delta cannot be 0: enter how many units to add (or remove, with a minus sign).");

const reason = z
  .string({ error: "Give a reason for the change." })
  .trim()
  .min(1, "Give a reason for the change.")
  .max(255, "The reason must be at most 255 characters.");

const ID_PROBLEM = "must be a location id (a whole number from 1).";
const locationIdOf = (field: string) => z.number({ error: `${field} ${ID_PROBLEM}` }).int(`${field} ${ID_PROBLEM}`).min(1, `${field} ${ID_PROBLEM}`).max(Number.MAX_SAFE_INTEGER, `${field} ${ID_PROBLEM}`);

/** A manual stock change as the API receives it: `{ delta, reason, locationId }` (`locationId` optional while one location is active). */
export const adjustStockSchema = z.object({ delta, reason, locationId: locationIdOf("locationId").optional() });

const transferCount = z
  .number({ error: "count must be a whole number of units, 1 or more." })
  .int("count must be a whole number of units, 1 or more.")
  .min(1, "count must be a whole number of units, 1 or more.")
  .max(MAX_ADJUSTMENT, `count can be at most ${MAX_ADJUSTMENT}.`);

/** Units moved between two locations of one SKU. */
export const transferStockSchema = z
  .object({ fromLocationId: locationIdOf("fromLocationId"), toLocationId: locationIdOf("toLocationId"), count: transferCount, reason })
  .refine((t) => t.fromLocationId !== t.toLocationId, { message: "Choose two different locations.", path: ["toLocationId"] });
export type TransferStockInput = z.infer<typeof transferStockSchema>;

/** The console's transfer form: every field a string. */
export const transferStockForm = z
  .object({
    fromLocationId: z.coerce.number({ error: "Choose where the units leave from." }).pipe(locationIdOf("From")),
    toLocationId: z.coerce.number({ error: "Choose where the units go." }).pipe(locationIdOf("To")),
    count: z
      .string({ error: "Enter how many units to move." })
      .trim()
      .regex(/^\d+$/, "Count must be a whole number of units, 1 or more.")
      .transform(Number)
      .pipe(transferCount),
    reason,
  })
  .refine((t) => t.fromLocationId !== t.toLocationId, { message: "Choose two different locations.", path: ["toLocationId"] });

const locationName = z
  .string({ error: "Name must be a string, e.g. Main warehouse." })
  .trim()
  .min(1, "Enter a name, e.g. Store on Main Street.")
  .refine((s) => [...s].length <= NAME_LENGTH.location, `Name can be at most ${NAME_LENGTH.location} characters.`);
const PRIORITY_PROBLEM = "priority must be a whole number from 0 to 1000000 (lower sells first).";
const priority = z.number({ error: PRIORITY_PROBLEM }).int(PRIORITY_PROBLEM).min(0, PRIORITY_PROBLEM).max(1_000_000, PRIORITY_PROBLEM);

export const createLocationSchema = z.object({ name: locationName, priority }).strict();
export type CreateLocationInput = z.infer<typeof createLocationSchema>;

export const updateLocationSchema = z
  .object({ name: locationName.optional(), priority: priority.optional(), active: z.boolean({ error: "active must be true or false." }).optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Send at least one of name, priority, active.");
export type UpdateLocationInput = z.infer<typeof updateLocationSchema>;

/** The console's location forms: strings in. */
export const locationForm = z.object({
  name: locationName,
  priority: z.string({ error: PRIORITY_PROBLEM }).trim().regex(/^\d+$/, "Priority must be a whole number, 0 or more (lower sells first).").transform(Number).pipe(priority),
});
export type AdjustStockInput = z.infer<typeof adjustStockSchema>;

/**
 * The same change from a form, where every field is a string. A blank delta must not coerce to 0
 * silently (it would read "cannot be 0"), so it is reported as missing.
 */
export const adjustStockForm = z.object({
  delta: z
    .string({ error: "Enter a delta, e.g. 10 or -2." })
    .trim()
    .min(1, "Enter a delta, e.g. 10 or -2.")
    .regex(/^[+-]?\d+(\.\d+)?$/, "Delta must be a whole number, e.g. 10 or -2.")
    .transform(Number)
    .pipe(delta),
  reason,
  locationId: z.preprocess(blankToUndefined, z.coerce.number({ error: "Choose a location." }).pipe(locationIdOf("Location")).optional()),
});

function blankToUndefined(v: unknown) {
  return typeof v === "string" && v.trim() === "" ? undefined : v;
}

const onSale = z.boolean({ error: "onSale must be true or false." });

export const perCustomerLimit = z
  .number({ error: "perCustomerLimit must be a whole number from 1 to 99, or null for no limit." })
  .int("perCustomerLimit must be a whole number from 1 to 99, or null for no limit.")
  .min(1, "perCustomerLimit must be at least 1 (or null for no limit).")
  .max(MAX_LINE_QTY, `perCustomerLimit must be at most ${MAX_LINE_QTY}.`)
  .nullable();

export const saleStartsAt = z
  .iso.datetime({ offset: true, error: "saleStartsAt must be an ISO 8601 date and time with an offset, e.g. 2026-12-24T18:00:00+01:00, or null." })
  .transform((s) => new Date(s))
  .nullable();

const PRICE_PROBLEMS = {
  type: 'Price must be a string such as "19.99": a JSON number can lose cents.',
  blank: "Enter a price, e.g. 19.99.",
  negative: "Price cannot be negative.",
  decimals: "Price can have at most 2 decimals (whole cents), e.g. 19.99.",
  shape: "Price must be an amount such as 19.99 or 5.",
  tooHigh: `Price can be at most ${toDecimal(MAX_PRICE_CENTS)}.`,
};

function priceProblem(s: string): string | null {
  if (s === "") return PRICE_PROBLEMS.blank;
  if (/^-\.?\d/.test(s)) return PRICE_PROBLEMS.negative;
  if (/^\d*\.\d{3,}$/.test(s)) return PRICE_PROBLEMS.decimals;
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return PRICE_PROBLEMS.shape;
  if (toCents(s) > MAX_PRICE_CENTS) return PRICE_PROBLEMS.tooHigh;
  return null;
}

/** A unit price as a decimal string, made canonical ("5" -> "5.00") through cents; one message per refusal. */
export const price = z.string({ error: PRICE_PROBLEMS.type }).transform((raw, ctx) => {
  const s = raw.trim();
  const problem = priceProblem(s);
  if (problem) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return toDecimal(toCents(s));
});

/**
 * The most characters a variant name may have: its own column holds 128, but an order line keeps
 * "Product — Variant" in 255 and product names run to 128, so a longer one would fail checkout.
 */
export const MAX_SKU_NAME = Math.min(NAME_LENGTH.sku, NAME_LENGTH.orderLine - NAME_LENGTH.product - " — ".length);

export const skuName = z
  .string({ error: "Name must be a string, e.g. EU 44 or 128 GB." })
  .trim()
  .min(1, "Enter a name for the variant, e.g. EU 44 or 128 GB.")
  // Counted in characters (code points), as the database counts them, not UTF-16 units.
  .refine((s) => [...s].length <= MAX_SKU_NAME, `Name can be at most ${MAX_SKU_NAME} characters.`);

const CODE_PROBLEM = "SKU code: letters, digits and . _ - / only (no spaces), at most 64, e.g. TEE-BLK-M.";

/** The owner's SKU code, unique across the shop (skus_code_idx); null = none. */
export const skuCode = z
  .string({ error: CODE_PROBLEM })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, CODE_PROBLEM)
  .nullable();

/** The "was" price shown struck through; null = none. Must be above the price where both are known. */
export const compareAtPrice = price.nullable();

/** Whether a compare-at price is above the price (both decimal strings); a sale only reads as one if so. */
export const compareAtAbovePrice = (priceValue: string, compareAt: string | null | undefined) => compareAt == null || toCents(compareAt) > toCents(priceValue);
export const COMPARE_AT_PROBLEM = "The compare-at price must be higher than the price (it is shown struck through), or blank for none.";

/** A SKU's settings as the API receives them; every field optional, at least one given. */
export const updateSkuSchema = z
  .object({
    onSale: onSale.optional(),
    perCustomerLimit: perCustomerLimit.optional(),
    saleStartsAt: saleStartsAt.optional(),
    price: price.optional(),
    name: skuName.optional(),
    code: skuCode.optional(),
    compareAtPrice: compareAtPrice.optional(),
    waitingRoom: waitingRoomSchema.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Send at least one of onSale, perCustomerLimit, saleStartsAt, price, name, code, compareAtPrice, waitingRoom.");
export type UpdateSkuInput = z.infer<typeof updateSkuSchema>;

/** A form field left blank means "none" (no limit, no launch time). */
const blankIsNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);

const LIMIT_FORM = "Limit must be a whole number from 1 to 99, or blank for no limit.";

/**
 * The console's sale settings form: every field a string, blank = none. The page turns the
 * admin's local date and time into ISO 8601 with their offset before it is sent.
 */
export const saleSettingsForm = z.object({
  perCustomerLimit: z.preprocess(
    blankIsNull,
    z
      .string({ error: LIMIT_FORM })
      .trim()
      .regex(/^\d+$/, LIMIT_FORM)
      .transform(Number)
      .pipe(z.number().int(LIMIT_FORM).min(1, LIMIT_FORM).max(MAX_LINE_QTY, LIMIT_FORM))
      .nullable(),
  ),
  saleStartsAt: z.preprocess(
    blankIsNull,
    z.iso
      .datetime({ offset: true, error: "Launch must be a date and time, or blank to sell at once." })
      .transform((s) => new Date(s))
      .nullable(),
  ),
});

/** The console's price and name form: the same rules as the API (every form field is a string anyway). */
export const priceAndNameForm = z.object({ price, name: skuName });

export const orderFilterSchema = z.object({
  status: z.enum(ORDER_STATUSES, { error: `status must be one of ${ORDER_STATUSES.join(", ")}.` }).optional(),
});
