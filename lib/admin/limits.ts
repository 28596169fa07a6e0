/** The largest single manual stock change, either way: a typo guard, not a business rule. */
export const MAX_ADJUSTMENT = 100_000;
