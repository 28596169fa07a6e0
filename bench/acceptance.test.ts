import { describe, expect, it } from "vitest";
import { verdicts } from "./lib/acceptance";
import type { Cell } from "./lib/report";
import { summarize } from "./lib/stats";

function cell(mode: string, kind: Cell["kind"], scenario: string, strategy: string | null, ordersPerS: number, extra: Partial<Cell> = {}): Cell {
  return {
    kind, strategy, scenario, mode, W: 64, workers: 1, elapsedS: 1, requests: ordersPerS, ok: ordersPerS, ordersPerS, requestsPerS: ordersPerS,
    latency: summarize([10]), latencyByCode: {}, outcomes: {}, metrics: null, optimisticRetriesPerOrder: null, batch: null,
    winners: null, losers: null, eventLoopUtilization: 0, clientCpu: 0, loadAverage: 0, problems: [],
    cpuMsPerUnit: { app: null, mariadb: null, redis: null, nginx: null, total: 0 }, ...extra,
  };
}

const byTarget = (cells: Cell[]) => Object.fromEntries(verdicts(cells).map((v) => [v.target, v.met]));

describe("acceptance targets", () => {
  it("judges the service ratios, the HTTP floor and p99, and loser latency at W = 64", () => {
    const loser = (ms: number) => ({ losers: summarize([ms, ms]) });
    const met = byTarget([
      cell("service", "raw-update", "hot", null, 3500),
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
    expect(met["service, hot, W=64: batched >= 0.8x the raw one-row UPDATE"]).toBe(true);
    expect(met["service, hot, W=64: conditional >= 2x its 479 orders/s before issue 16"]).toBe(true);
    expect(met["http, hot, W=64, 1 workers: batched >= 1,000 orders/s"]).toBe(false);
    expect(met["http, hot, W=64, 1 workers: batched p99 <= 150 ms"]).toBe(true);
    expect(met["http, sell-out, W=64: losers answered >= 5x faster with batched than with conditional (median)"]).toBe(false);
  });

  it("judges the HTTP targets at the most workers measured, against the trivial route at the same workers", () => {
    const met = byTarget([
      cell("http", "noop-route", "hot", null, 1000),
      cell("http", "checkout", "hot", "batched", 700),
      cell("http", "noop-route", "hot", null, 1500, { workers: 2 }),
      cell("http", "checkout", "hot", "batched", 1100, { workers: 2, latency: summarize([20, 200]) }),
      cell("http", "checkout", "sellout", "batched", 10, { workers: 2, losers: summarize([40, 60]) }),
    ]);
    expect(met["http, hot, W=64, 2 workers: batched >= 1,000 orders/s"]).toBe(true);
    expect(met["http, hot, W=64, 2 workers: batched >= 0.8x the trivial route at the same workers"]).toBe(false);
    expect(met["http, hot, W=64, 2 workers: batched p99 <= 150 ms"]).toBe(false);
    expect(met["http, sell-out, W=64, 2 workers: batched losers' p50 <= half of 103 ms before issue 16"]).toBe(true);
  });

  it("says a target was not measured rather than passing or failing it", () => {
    const v = verdicts([cell("http", "checkout", "hot", "conditional", 10)]);
    expect(v.find((x) => x.target.includes("batched p99"))?.met).toBeNull();
  });
});
