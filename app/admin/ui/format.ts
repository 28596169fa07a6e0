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
