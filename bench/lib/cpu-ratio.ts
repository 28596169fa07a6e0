import type { Cell } from "./report";

/**
 * Issue 39's HTTP target: the app workers' CPU per checkout against their CPU per trivial-route
 * request. Measured as separate cells seconds apart, the ratio mostly showed this machine's drift
 * between them (the same build's trivial route cost 1.8-3.1 ms per request from one run to the
 * next), so the bench also alternates short slices of the two on one server and pools them.
 */
export type RatioRound = {
  trivialAppMs: number;
  requests: number;
  checkoutAppMs: number;
  orders: number;
  /** Of the app ms, the processes' main threads' (see CpuPerUnit.appMainThread). */
  trivialMainMs?: number;
  checkoutMainMs?: number;
  /** The waiting slice: the trivial route held `waitMs` (the checkouts' mean time in the server) and nothing else. */
  waitMs?: number;
  waitingAppMs?: number;
  waitingRequests?: number;
};

/**
 * The trivial route held as long as a checkout holds the server, pooled over the rounds: what a
 * request costs the workers for waiting alone (its state kept across collections, the loop's
 * extra turns). `overTrivial` is the ratio a checkout would have if its own work cost nothing;
 * `checkoutOverWaiting` what that work adds on top.
 */
export type Waiting = { heldMs: number; msPerRequest: number; overTrivial: number; checkoutOverWaiting: number };

/** App ms per trivial request and per checkout, pooled, and the second over the first. */
export type Pooled = { trivialMsPerRequest: number; checkoutMsPerOrder: number; pooled: number };

export type CpuRatio = {
  strategy: string;
  workers: number;
  W: number;
  sliceS: number;
  /** Rounds run first and not counted (--ratio-warm-up). */
  warmUpRounds: number;
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
  /** The same figures for the main threads alone, when every round has them; the rest is the processes' other threads. */
  mainThread?: Pooled;
  /** When every round had a waiting slice. */
  waiting?: Waiting;
};

/** App CPU (ms) a cell spent in all: its per-unit figure times its units (orders, or requests for the trivial route). */
export function appMs(cell: Cell): number {
  return (cell.cpuMsPerUnit.app ?? 0) * unitsOf(cell);
}

/** The same for the app processes' main threads; undefined where the cell did not sample them. */
export function appMainMs(cell: Cell): number | undefined {
  const perUnit = cell.cpuMsPerUnit.appMainThread;
  return perUnit === undefined || perUnit === null ? undefined : perUnit * unitsOf(cell);
}

const unitsOf = (cell: Cell) => (cell.kind === "noop-route" ? cell.requests : cell.ok);

export function pooledRatio(strategy: string, workers: number, W: number, sliceS: number, rounds: RatioRound[], problems: string[] = [], warmUpRounds = 0): CpuRatio {
  const per = (ms: number, units: number) => (units > 0 ? ms / units : Number.NaN);
  const ratio = (checkout: number, trivial: number) => (trivial > 0 ? checkout / trivial : Number.NaN);
  const sum = (f: (r: RatioRound) => number) => rounds.reduce((s, r) => s + f(r), 0);
  const pool = (trivialMs: (r: RatioRound) => number, checkoutMs: (r: RatioRound) => number): Pooled => {
    const trivialMsPerRequest = per(sum(trivialMs), sum((r) => r.requests));
    const checkoutMsPerOrder = per(sum(checkoutMs), sum((r) => r.orders));
    return { trivialMsPerRequest, checkoutMsPerOrder, pooled: ratio(checkoutMsPerOrder, trivialMsPerRequest) };
  };
  const perRound = rounds.map((r) => ratio(per(r.checkoutAppMs, r.orders), per(r.trivialAppMs, r.requests))).sort((a, b) => a - b);
  const split = rounds.length > 0 && rounds.every((r) => r.trivialMainMs !== undefined && r.checkoutMainMs !== undefined);
  const trivialAndCheckout = pool((r) => r.trivialAppMs, (r) => r.checkoutAppMs);
  const waited = rounds.length > 0 && rounds.every((r) => r.waitMs !== undefined && r.waitingAppMs !== undefined && r.waitingRequests !== undefined);
  const waitingMs = waited ? per(sum((r) => r.waitingAppMs!), sum((r) => r.waitingRequests!)) : Number.NaN;
  return {
    strategy,
    workers,
    W,
    sliceS,
    warmUpRounds,
    rounds,
    ...trivialAndCheckout,
    perRound,
    problems,
    ...(split ? { mainThread: pool((r) => r.trivialMainMs!, (r) => r.checkoutMainMs!) } : {}),
    ...(waited
      ? {
          waiting: {
            heldMs: sum((r) => r.waitMs!) / rounds.length,
            msPerRequest: waitingMs,
            overTrivial: ratio(waitingMs, trivialAndCheckout.trivialMsPerRequest),
            checkoutOverWaiting: ratio(trivialAndCheckout.checkoutMsPerOrder, waitingMs),
          },
        }
      : {}),
  };
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "-");

export function ratioMarkdown(ratios: CpuRatio[]): string {
  if (ratios.length === 0) return "";
  return [
    "### App CPU per checkout against per trivial-route request, slices alternating on one server (issue 39)",
    "",
    "| strategy | workers | W | rounds x slice | trivial route, app ms / request | checkout, app ms / order | pooled ratio | each round | main threads: trivial / checkout ms, ratio | other threads: trivial / checkout ms | waiting route: held ms, app ms / request, over trivial | checkout over waiting |",
    "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ...ratios.map((r) => {
      const m = r.mainThread;
      const threads = m
        ? `${fixed(m.trivialMsPerRequest, 3)} / ${fixed(m.checkoutMsPerOrder, 3)}, ${fixed(m.pooled, 2)}x | ${fixed(r.trivialMsPerRequest - m.trivialMsPerRequest, 3)} / ${fixed(r.checkoutMsPerOrder - m.checkoutMsPerOrder, 3)}`
        : "- | -";
      const w = r.waiting;
      const waiting = w ? `${fixed(w.heldMs, 0)}, ${fixed(w.msPerRequest, 3)}, ${fixed(w.overTrivial, 2)}x | ${fixed(w.checkoutOverWaiting, 2)}x` : "- | -";
      return `| ${r.strategy} | ${r.workers} | ${r.W} | ${r.rounds.length} x ${r.sliceS} s${r.warmUpRounds ? ` after ${r.warmUpRounds} untimed` : ""} | ${fixed(r.trivialMsPerRequest, 3)} | ${fixed(r.checkoutMsPerOrder, 3)} | **${fixed(r.pooled, 2)}x** | ${r.perRound.map((x) => fixed(x, 2)).join(", ")} | ${threads} | ${waiting} |`;
    }),
    "",
    "Main threads: the app processes' event loops (the request path and the collector's pauses); other threads: V8's parallel and concurrent collector and compiler, libuv's pool.",
    "Untimed: rounds of the same three slices run first and not counted (--ratio-warm-up), so the ratio is a warm server's.",
    "Waiting route: a third slice each round, the trivial route held for the checkout slice's mean time in the server (its route timer) and doing nothing else; over trivial is the ratio a checkout would have if its own work cost nothing.",
    "",
  ].join("\n");
}
