/**
 * Set by the checkout for the order it just placed, read by that order's page to greet the
 * shopper ("Order placed — thank you"), then cleared by the page. A cookie rather than a query
 * parameter: a shared or bookmarked order link never says "thank you" again.
 */
export const PLACED_COOKIE = "stockroom_placed";
export const PLACED_MAX_AGE_SECONDS = 120;
