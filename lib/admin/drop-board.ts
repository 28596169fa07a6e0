import { hasStarted } from "@/lib/drops/sale-start";
import type { StockRow } from "./stock";

// Pure: which SKUs the console lists as drops and where each stands, shared by the dashboard
// (server) and the drops room (server and browser).

type DropFields = Pick<StockRow, "saleStartsAt" | "perCustomerLimit" | "stock" | "onSale">;

/** A drop: a SKU with a launch time or a per-customer limit. */
export const isDrop = (r: Pick<StockRow, "saleStartsAt" | "perCustomerLimit">) => r.saleStartsAt !== null || r.perCustomerLimit !== null;

export type DropPhase = "upcoming" | "live" | "sold_out" | "off_sale";

/** Where a drop stands at `now`: before its launch, selling, sold out, or taken off sale. */
export function dropPhase(r: DropFields, now: number): DropPhase {
  if (!hasStarted(r.saleStartsAt, now)) return "upcoming";
  if (r.stock === 0) return "sold_out";
  return r.onSale ? "live" : "off_sale";
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Every drop for the drops room: upcoming ones first (soonest first), then the rest, latest
 * launch first (a limit without a launch last).
 */
export function dropBoard<T extends StockRow>(rows: T[], now: number): T[] {
  const at = (r: T) => (r.saleStartsAt === null ? Number.NEGATIVE_INFINITY : Date.parse(r.saleStartsAt));
  const drops = rows.filter(isDrop);
  const upcoming = drops.filter((r) => dropPhase(r, now) === "upcoming").sort((a, b) => at(a) - at(b) || a.skuId - b.skuId);
  const rest = drops.filter((r) => dropPhase(r, now) !== "upcoming").sort((a, b) => at(b) - at(a) || a.skuId - b.skuId);
  return [...upcoming, ...rest];
}

/**
 * The dashboard's drops: those launching within a day of `now` (before or after, so "today"
 * holds in any time zone) and those live now (started, on sale, stock left), in `dropBoard` order.
 */
export function dropsToday<T extends StockRow>(rows: T[], now: number): T[] {
  const near = (r: T) => r.saleStartsAt !== null && Math.abs(Date.parse(r.saleStartsAt) - now) <= DAY_MS;
  return dropBoard(rows, now).filter((r) => near(r) || dropPhase(r, now) === "live");
}

/** SKUs at or under the threshold (sold out included), emptiest first. */
export function lowStock<T extends StockRow>(rows: T[], threshold: number): T[] {
  return rows.filter((r) => r.stock <= threshold).sort((a, b) => a.stock - b.stock || a.skuId - b.skuId);
}
