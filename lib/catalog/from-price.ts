import { toCents } from "@/lib/money";

/** A product's "from" price: its cheapest variant on sale, or null when none is. */
export function fromPrice(skus: { onSale: boolean; price: string }[]): string | null {
  const prices = skus.filter((s) => s.onSale).map((s) => s.price);
  if (prices.length === 0) return null;
  return prices.reduce((a, b) => (toCents(a) <= toCents(b) ? a : b));
}
