import { toCents } from "@/lib/money";

/** A product's "from" price: its cheapest variant on sale, or null when none is. */
export function fromPrice(skus: { onSale: boolean; price: string }[]): string | null {
  const prices = skus.filter((s) => s.onSale).map((s) => s.price);
  if (prices.length === 0) return null;
  return prices.reduce((a, b) => (toCents(a) <= toCents(b) ? a : b));
}

/**
 * A product's price as a card says it: "from $99.00" only when the variants on sale cost
 * different amounts, else the one price; null when nothing is on sale.
 */
export function priceLabel(skus: { onSale: boolean; price: string }[], format: (price: string) => string): string | null {
  const from = fromPrice(skus);
  if (from === null) return null;
  const differ = new Set(skus.filter((s) => s.onSale).map((s) => toCents(s.price))).size > 1;
  return `${differ ? "from " : ""}${format(from)}`;
}
