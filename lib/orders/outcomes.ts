import type { Order } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { checkoutMetrics } from "./metrics";

export type PreparedLine = { skuId: number; count: number; name: string; price: string };
/** An order ready to write: header and lines computed, nothing written yet. */
export type PreparedOrder = { header: Order; lines: PreparedLine[] };

export type Wanted = { skuId: number; count: number; name: string };

export function outOfStockError(wanted: Wanted[], available: Map<number, number>): AppError {
  const short = wanted
    .map((w) => ({ skuId: w.skuId, name: w.name, requested: w.count, available: available.get(w.skuId) ?? 0 }))
    .filter((l) => l.available < l.requested);
  const message =
    short.length === 0
      ? "Someone else just bought the last units. Please review your cart and try again."
      : short.map((l) => (l.available === 0 ? `${l.name} is sold out.` : `Only ${l.available} left of ${l.name} (you asked for ${l.requested}).`)).join(" ");
  checkoutMetrics.outOfStock++;
  return new AppError("OUT_OF_STOCK", message, { lines: short });
}

export const lineRowsOf = ({ header, lines }: PreparedOrder) =>
  lines.map((l) => ({ orderId: header.id, skuId: l.skuId, name: l.name, count: l.count, price: l.price }));
