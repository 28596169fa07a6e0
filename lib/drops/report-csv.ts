import type { DropReport } from "./report";
import { ALL_OUTCOMES, type DropOutcome } from "./live-series";

/** Column names of the answers, as the CSV says them. */
const OUTCOME_HEADERS: Record<DropOutcome, string> = {
  created: "orders_created",
  OUT_OF_STOCK: "out_of_stock",
  PURCHASE_LIMIT_REACHED: "over_the_limit",
  SALE_NOT_STARTED: "before_the_launch",
  CART_ALREADY_ORDERED: "cart_already_ordered",
  BUSY: "busy",
  other: "other",
};

export const CSV_HEADER = ["second", "epoch_second", "units_sold", "stock_left", ...ALL_OUTCOMES.map((o) => OUTCOME_HEADERS[o]), "p50_ms", "p99_ms"];

const ms = (v: number | null) => (v === null ? "" : v.toFixed(1));

/**
 * The report as CSV (RFC 4180, CRLF): one row per second of the drop, UTC times, then one summary
 * row ("total": units, the stock now, every answer, the drop's p50/p99 from the summed histograms).
 * Nothing in it is free text a spreadsheet could run as a formula: times and numbers only.
 */
export function reportCsv(report: DropReport): string {
  const rows: (string | number)[][] = [CSV_HEADER];
  for (const s of report.seconds) {
    rows.push([new Date(s.t * 1000).toISOString(), s.t, s.units, s.stockLeft, ...ALL_OUTCOMES.map((o) => s.outcomes[o]), ms(s.p50Ms), ms(s.p99Ms)]);
  }
  const t = report.totals;
  rows.push(["total", "", t.units, report.sku.stock, ...ALL_OUTCOMES.map((o) => t.outcomes[o]), ms(t.p50Ms), ms(t.p99Ms)]);
  return rows.map((r) => r.join(",")).join("\r\n") + "\r\n";
}

/** A file name for the download: the SKU and the drop's first day. */
export function csvFileName(report: DropReport): string {
  const day = report.seconds[0] ? new Date(report.seconds[0].t * 1000).toISOString().slice(0, 10) : "no-seconds";
  return `drop-${report.sku.skuId}-${day}.csv`;
}
