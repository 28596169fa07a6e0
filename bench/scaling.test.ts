import { describe, expect, it } from "vitest";
import { scalingTable, type Cell } from "./lib/report";
import { summarize } from "./lib/stats";
import { sumMetrics } from "./lib/targets";

function cell(kind: Cell["kind"], strategy: string | null, workers: number, perS: number, extra: Partial<Cell> = {}): Cell {
  return {
    kind, strategy, scenario: "hot", mode: "http", W: 64, workers, elapsedS: 1, requests: perS, ok: perS, ordersPerS: perS, requestsPerS: perS,
    latency: summarize([10]), latencyByCode: {}, outcomes: {}, metrics: null, optimisticRetriesPerOrder: null, batch: null,
    winners: null, losers: null, eventLoopUtilization: 0, clientCpu: 0.1, loadAverage: 1, problems: [], ...extra,
  };
}

describe("scaling over HTTP", () => {
  it("sets each cell at 1 worker beside the same cell at N, with the ratio and checkout against the floor at N", () => {
    const lines = scalingTable([cell("noop-route", null, 1, 900), cell("checkout", "batched", 1, 500), cell("noop-route", null, 2, 1600), cell("checkout", "batched", 2, 1200)]);
    expect(lines[0]).toBe("### Scaling over HTTP: 1 worker -> 2 workers");
    expect(lines.find((l) => l.startsWith("| trivial route "))).toContain("| 1.78x |");
    expect(lines.find((l) => l.startsWith("| batched "))).toContain("| 2.40x | 0.75x |");
  });

  it("is left out when only one worker count ran", () => {
    expect(scalingTable([cell("checkout", "batched", 1, 500)])).toEqual([]);
  });
});

describe("checkout counters from every worker", () => {
  it("adds up the counters and the batch-size buckets", () => {
    const one = { orders: 3, outOfStock: 1, busy: 0, replays: 0, optimisticRetries: 0, txRetries: 1, batches: 2, batchedOrders: 3, batchSizes: { "1": 1, "2-4": 1 } };
    const two = { orders: 5, outOfStock: 0, busy: 1, replays: 1, optimisticRetries: 0, txRetries: 0, batches: 1, batchedOrders: 5, batchSizes: { "5-16": 1, "1": 0 } };
    expect(sumMetrics([one, two])).toEqual({
      orders: 8, outOfStock: 1, busy: 1, replays: 1, optimisticRetries: 0, txRetries: 1, batches: 3, batchedOrders: 8, batchSizes: { "1": 1, "2-4": 1, "5-16": 1 },
    });
  });
});
