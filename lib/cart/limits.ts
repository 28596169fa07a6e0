/** The most units of one SKU a cart line may hold. */
export const MAX_LINE_QTY = 99;
