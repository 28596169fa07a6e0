/** What a shopper is told about stock. Pure, so client components can use it too. */
export type Availability = { kind: "in_stock" } | { kind: "low"; left: number } | { kind: "sold_out" };

const LOW_STOCK_LABEL_AT = 5;

/** The units of a SKU a shopper can buy now: none while it is off sale. */
export const buyableUnits = (sku: { stock: number; onSale: boolean }) => (sku.onSale ? Math.max(0, sku.stock) : 0);

/** What a shopper is told about one SKU or a whole product. */
export function availability(stock: number, onSale = true): Availability {
  if (buyableUnits({ stock, onSale }) === 0) return { kind: "sold_out" };
  if (stock <= LOW_STOCK_LABEL_AT) return { kind: "low", left: stock };
  return { kind: "in_stock" };
}

export function availabilityLabel(a: Availability): string {
  if (a.kind === "sold_out") return "Sold out";
  if (a.kind === "low") return `Only ${a.left} left`;
  return "In stock";
}

