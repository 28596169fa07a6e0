import type { StockRow } from "@/lib/admin/stock";

/** "Drift Running Shoe — EU 44", as checkout names a line. */
export const skuLabel = (r: Pick<StockRow, "product" | "name">) => `${r.product} — ${r.name}`;

export const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

const pad = (n: number) => String(n).padStart(2, "0");

/** hh:mm:ss in the viewer's time zone. */
export function clock(ms: number) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
