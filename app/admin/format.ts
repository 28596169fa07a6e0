import type { StockRow } from "@/lib/admin/stock";
import { lineName } from "@/lib/catalog/product-name";

/** "Drift Running Shoe — EU 44", as checkout names a line. */
export const skuLabel = (r: Pick<StockRow, "skuId" | "product" | "name">) => lineName(r.skuId, r);

export const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

const pad = (n: number) => String(n).padStart(2, "0");

/** hh:mm:ss in the viewer's time zone. */
export function clock(ms: number) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A drop: a SKU with a launch time or a per-customer limit. */
export const isDrop = (r: Pick<StockRow, "saleStartsAt" | "perCustomerLimit">) => r.saleStartsAt !== null || r.perCustomerLimit !== null;

/** The drop the console shows first: the one whose launch is nearest to now (next or last), else one with a limit. */
export function defaultDrop(rows: StockRow[], now: number): number | null {
  const distance = (r: StockRow) => Math.abs(Date.parse(r.saleStartsAt!) - now);
  const launches = rows.filter((r) => r.saleStartsAt !== null).sort((a, b) => distance(a) - distance(b));
  return (launches[0] ?? rows.find(isDrop))?.skuId ?? null;
}
