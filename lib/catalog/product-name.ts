/** How a SKU is named in the cart, on an order, in refusals and in the console: "Product — Variant", or its id if it is gone. */
export const lineName = (skuId: number, sku?: { product: string; name: string }) => (sku ? `${sku.product} — ${sku.name}` : `SKU ${skuId}`);
