import { describe, expect, it } from "vitest";
import { verdicts } from "./lib/acceptance";
import type { Cell } from "./lib/report";
import { summarize } from "./lib/stats";

function cell(mode: string, kind: Cell["kind"], scenario: string, strategy: string | null, ordersPerS: number, extra: Partial<Cell> = {}): Cell {
  return {
    kind, strategy, scenario, mode, W: 64, elapsedS: 1, requests: ordersPerS, ok: ordersPerS, ordersPerS, requestsPerS: ordersPerS,
    latency: summarize([10]), latencyByCode: {}, outcomes: {}, metrics: null, optimisticRetriesPerOrder: null, batch: null,
    winners: null, losers: null, eventLoopUtilization: 0, loadAverage: 0, problems: [], ...extra,
  };
}

const byTarget = (cells: Cell[]) => Object.fromEntries(verdicts(cells).map((v) => [v.target, v.met]));

describe("acceptance targets", () => {
  it("judges the service ratios, the HTTP floor and p99, and loser latency at W = 64", () => {
    const loser = (ms: number) => ({ losers: summarize([ms, ms]) });
    const met = byTarget([
      cell("service", "checkout", "hot", "batched", 3000),
      cell("service", "checkout", "hot", "conditional", 1000),
      cell("service", "checkout", "hot", "optimistic", 201),
      cell("http", "noop-route", "hot", null, 1000),
      cell("http", "checkout", "hot", "batched", 700, { latency: summarize([20, 50]) }),
      cell("http", "checkout", "sellout", "batched", 10, loser(10)),
      cell("http", "checkout", "sellout", "conditional", 10, loser(49)),
    ]);
    expect(met["service, hot, W=64: batched >= 3x conditional"]).toBe(true);
    expect(met["service, hot, W=64: batched >= 15x optimistic"]).toBe(false);
    expect(met["http, hot, W=64: batched >= 0.7x the trivial-route floor"]).toBe(true);
    expect(met["http, hot, W=64: batched p99 <= 50 ms"]).toBe(true);
    expect(met["http, sell-out, W=64: losers answered >= 5x faster with batched than with conditional (median)"]).toBe(false);
  });

  it("says a target was not measured rather than passing or failing it", () => {
    const v = verdicts([cell("http", "checkout", "hot", "conditional", 10)]);
    expect(v.find((x) => x.target.includes("batched p99"))?.met).toBeNull();
  });
});
