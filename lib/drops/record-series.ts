/**
 * The drop's record, pure: a second's Redis hash and its units as a `drop_seconds` row, a row
 * read back as the drop view's `DropSecond`, the whole drop's totals (p50/p99 from the summed
 * histograms, as across processes), every second of a drop filled in, and the CSV.
 */
import { LATENCY_BOUNDS_MS, noOutcomes, quantile, type DropOutcome, type DropSecond, type Outcomes } from "./live-series";

const BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The latency histogram of a second's hash (`l:<i>` fields). */
export function histogramOf(hash: Record<string, string>): number[] {
  const counts = Array<number>(BUCKETS).fill(0);
  for (const [field, value] of Object.entries(hash)) {
    if (!field.startsWith("l:")) continue;
    const i = Number(field.slice(2));
    if (i >= 0 && i < BUCKETS) counts[i]! += Number(value);
  }
  return counts;
}

export const parseHistogram = (s: string): number[] => {
  const counts = s === "" ? [] : s.split(",").map(Number);
  return Array.from({ length: BUCKETS }, (_, i) => counts[i] ?? 0);
};

/** A second as stored: the answers by column, the histogram as text, the units from the orders. */
export type RecordedSecond = {
  t: number;
  units: number;
  outcomes: Outcomes;
  latency: number[];
  stockLeft: number;
};

/** Outcome -> drop_seconds column (db/schema.ts). */
export const OUTCOME_COLUMNS = {
  created: "created",
  OUT_OF_STOCK: "outOfStock",
  PURCHASE_LIMIT_REACHED: "limitReached",
  SALE_NOT_STARTED: "notStarted",
  CART_ALREADY_ORDERED: "cartOrdered",
  BUSY: "busy",
  other: "other",
} as const satisfies Record<DropOutcome, string>;

type Row = { second: number; units: number; latency: string; stockLeft: number } & Record<(typeof OUTCOME_COLUMNS)[DropOutcome], number>;

export function toRow(s: RecordedSecond): Row & { p50Ms: string | null; p99Ms: string | null } {
  const row = { second: s.t, units: s.units, latency: s.latency.join(","), stockLeft: s.stockLeft } as Row;
  for (const [o, column] of Object.entries(OUTCOME_COLUMNS)) row[column] = s.outcomes[o as DropOutcome];
  const tenth = (v: number | null) => (v === null ? null : v.toFixed(1));
  return { ...row, p50Ms: tenth(quantile(0.5, s.latency)), p99Ms: tenth(quantile(0.99, s.latency)) };
}

export function fromRow(row: Row): RecordedSecond {
  const outcomes = noOutcomes();
  for (const [o, column] of Object.entries(OUTCOME_COLUMNS)) outcomes[o as DropOutcome] = row[column];
  return { t: row.second, units: row.units, outcomes, latency: parseHistogram(row.latency), stockLeft: row.stockLeft };
}

export const asDropSecond = (s: RecordedSecond): DropSecond => ({
  t: s.t,
  units: s.units,
  outcomes: s.outcomes,
  p50Ms: quantile(0.5, s.latency),
  p99Ms: quantile(0.99, s.latency),
  stockLeft: s.stockLeft,
});

/** Most seconds a report fills in (a day); a longer drop keeps only its seconds with answers. */
const MAX_FILLED = 86_400;

/** Every second from the first to the last, a quiet one with no answers and the stock of the next one. */
export function filled(seconds: RecordedSecond[]): RecordedSecond[] {
  if (seconds.length < 2) return seconds;
  const first = seconds[0]!.t;
  const last = seconds.at(-1)!.t;
  if (last - first + 1 > MAX_FILLED) return seconds;
  const out: RecordedSecond[] = [];
  let i = 0;
  for (let t = first; t <= last; t++) {
    const s = seconds[i]!;
    if (s.t === t) {
      out.push(s);
      i++;
    } else {
      // Nothing sold in a quiet second: its stock left is the next recorded second's before it sold.
      out.push({ t, units: 0, outcomes: noOutcomes(), latency: Array<number>(BUCKETS).fill(0), stockLeft: s.stockLeft + s.units });
    }
  }
  return out;
}

export type RecordTotals = { units: number; outcomes: Outcomes; refused: number; p50Ms: number | null; p99Ms: number | null };

export function totalsOf(seconds: RecordedSecond[]): RecordTotals {
  const outcomes = noOutcomes();
  const latency = Array<number>(BUCKETS).fill(0);
  let units = 0;
  for (const s of seconds) {
    units += s.units;
    for (const o of Object.keys(outcomes) as DropOutcome[]) outcomes[o] += s.outcomes[o];
    s.latency.forEach((n, i) => (latency[i]! += n));
  }
  const refused = Object.entries(outcomes).reduce((n, [o, c]) => (o === "created" || o === "other" ? n : n + c), 0);
  return { units, outcomes, refused, p50Ms: quantile(0.5, latency), p99Ms: quantile(0.99, latency) };
}
