import type { Cell } from "./report";

/**
 * Issue 39's HTTP target: the app workers' CPU per checkout against their CPU per trivial-route
 * request. Measured as separate cells seconds apart, the ratio mostly showed this machine's drift
 * between them (the same build's trivial route cost 1.8-3.1 ms per request from one run to the
 * next), so the bench also alternates short slices of the two on one server and pools them.
 */
export type RatioRound = { trivialAppMs: number; requests: number; checkoutAppMs: number; orders: number };

export type CpuRatio = {
  strategy: string;
  workers: number;
  W: number;
  sliceS: number;
  rounds: RatioRound[];
  /** App ms per trivial request and per checkout, every round's CPU and units summed. */
  trivialMsPerRequest: number;
  checkoutMsPerOrder: number;
  /** The second over the first. */
  pooled: number;
  /** The same per round, lowest to highest. */
  perRound: number[];
  /** Invariant violations and unexpected answers in any slice (the run fails on them, as on a cell's). */
  problems: string[];
};

/** App CPU (ms) a cell spent in all: its per-unit figure times its units (orders, or requests for the trivial route). */
export function appMs(cell: Cell): number {
  const units = cell.kind === "noop-route" ? cell.requests : cell.ok;
  return (cell.cpuMsPerUnit.app ?? 0) * units;
}

export function pooledRatio(strategy: string, workers: number, W: number, sliceS: number, rounds: RatioRound[], problems: string[] = []): CpuRatio {
  const sum = (f: (r: RatioRound) => number) => rounds.reduce((s, r) => s + f(r), 0);
  const per = (ms: number, units: number) => (units > 0 ? ms / units : Number.NaN);
  const ratio = (checkout: number, trivial: number) => (trivial > 0 ? checkout / trivial : Number.NaN);
  const trivialMsPerRequest = per(sum((r) => r.trivialAppMs), sum((r) => r.requests));
  const checkoutMsPerOrder = per(sum((r) => r.checkoutAppMs), sum((r) => r.orders));
  const perRound = rounds.map((r) => ratio(per(r.checkoutAppMs, r.orders), per(r.trivialAppMs, r.requests))).sort((a, b) => a - b);
  return { strategy, workers, W, sliceS, rounds, trivialMsPerRequest, checkoutMsPerOrder, pooled: ratio(checkoutMsPerOrder, trivialMsPerRequest), perRound, problems };
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "-");

export function ratioMarkdown(ratios: CpuRatio[]): string {
  if (ratios.length === 0) return "";
  return [
    "### App CPU per checkout against per trivial-route request, slices alternating on one server (issue 39)",
    "",
    "| strategy | workers | W | rounds x slice | trivial route, app ms / request | checkout, app ms / order | pooled ratio | each round |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
    ...ratios.map(
      (r) =>
        `| ${r.strategy} | ${r.workers} | ${r.W} | ${r.rounds.length} x ${r.sliceS} s | ${fixed(r.trivialMsPerRequest, 3)} | ${fixed(r.checkoutMsPerOrder, 3)} | **${fixed(r.pooled, 2)}x** | ${r.perRound.map((x) => fixed(x, 2)).join(", ")} |`,
    ),
    "",
  ].join("\n");
}
