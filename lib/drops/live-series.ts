/**
 * The drop view's numbers, pure: the outcomes it charts, the fixed latency histogram, and how
 * per-second Redis hashes become the series the console draws. Shared by the checkout's counter
 * (live-counts.ts), the read side (live.ts) and the console (types only).
 */

/** Seconds the view shows, at most: a drop's launch and sell-out fit, and one refresh reads at most this many small hashes. */
export const LIVE_WINDOW_S = 180;

/** The checkout answers the view charts; any other answer (a replay, an error) counts as "other". */
export const DROP_OUTCOMES = ["created", "OUT_OF_STOCK", "PURCHASE_LIMIT_REACHED", "SALE_NOT_STARTED", "CART_ALREADY_ORDERED", "BUSY"] as const;
export type DropOutcome = (typeof DROP_OUTCOMES)[number] | "other";
export const ALL_OUTCOMES: readonly DropOutcome[] = [...DROP_OUTCOMES, "other"];

/**
 * Upper bounds (ms) of the latency histogram's buckets; one more bucket holds everything slower.
 * Fixed, so every process's buckets add up and p50/p99 come from the summed counts.
 */
export const LATENCY_BOUNDS_MS = [2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000] as const;

export function latencyBucket(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/**
 * The q-quantile of a histogram, interpolated linearly inside its bucket (as Prometheus's
 * histogram_quantile does); the open last bucket answers its lower bound. Null without samples.
 */
export function quantile(q: number, counts: readonly number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BOUNDS_MS[i];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - below)) / n;
    }
    below += n;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
}

export type Outcomes = Record<DropOutcome, number>;
export const noOutcomes = (): Outcomes => Object.fromEntries(ALL_OUTCOMES.map((o) => [o, 0])) as Outcomes;

/** One second of a drop. `stockLeft`: the SKU's stock at the end of that second. */
export type DropSecond = { t: number; units: number; outcomes: Outcomes; p50Ms: number | null; p99Ms: number | null; stockLeft: number };

/** A second's Redis hash (`o:<outcome>`, `u`, `l:<i>`) as counts. */
export function parseSecond(t: number, hash: Record<string, string>): Omit<DropSecond, "stockLeft"> {
  const outcomes = noOutcomes();
  const latency = Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  let units = 0;
  for (const [field, value] of Object.entries(hash)) {
    const n = Number(value);
    if (field === "u") units = n;
    else if (field.startsWith("o:")) {
      const o = field.slice(2) as DropOutcome;
      if (o in outcomes) outcomes[o] += n;
    } else if (field.startsWith("l:")) {
      const i = Number(field.slice(2));
      if (i >= 0 && i < latency.length) latency[i]! += n;
    }
  }
  return { t, units, outcomes, p50Ms: quantile(0.5, latency), p99Ms: quantile(0.99, latency) };
}

/**
 * Seconds in order, each with the stock left at its end: the stock now plus every unit sold in
 * the later seconds (a restock inside the window shifts the earlier seconds by its size).
 */
export function withStockLeft(seconds: Omit<DropSecond, "stockLeft">[], stockNow: number): DropSecond[] {
  let left = stockNow;
  const out: DropSecond[] = new Array(seconds.length);
  for (let i = seconds.length - 1; i >= 0; i--) {
    out[i] = { ...seconds[i]!, stockLeft: left };
    left += seconds[i]!.units;
  }
  return out;
}

/** Totals since the SKU's first counted checkout (kept RETENTION_S after the last). */
export type DropTotals = { units: number; orders: number; outcomes: Outcomes };

export function parseTotals(hash: Record<string, string>): DropTotals {
  const { units, outcomes } = parseSecond(0, hash);
  return { units, orders: outcomes.created, outcomes };
}
