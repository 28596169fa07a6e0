import { availability, availabilityLabel } from "@/lib/catalog/availability";

export function StockBadge({ stock, onSale = true }: { stock: number; onSale?: boolean }) {
  const a = availability(stock, onSale);
  return <span className={`badge ${a.kind}`}>{availabilityLabel(a)}</span>;
}
