import { maxCents } from "@/lib/money";

/** The largest single manual stock change, either way: a typo guard, not a business rule. */
export const MAX_ADJUSTMENT = 100_000;

/** skus.price is DECIMAL(10,2): 99999999.99 is the most it holds. */
export const MAX_PRICE_CENTS = maxCents("price");
