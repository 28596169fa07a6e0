import { describe, expect, it } from "vitest";
import { scalingTable, type Cell } from "./lib/report";
import { summarize } from "./lib/stats";

function cell(kind: Cell["kind"], strategy: string | null, workers: number, perS: number, extra: Partial<Cell> = {}): Cell {
  return {
    kind, strategy, scenario: "hot", mode: "http", W: 64, workers, elapsedS: 1, requests: perS, ok: perS, ordersPerS: perS, requestsPerS: perS,
    latency: summarize([10]), latencyByCode: {}, outcomes: {}, metrics: null, optimisticRetriesPerOrder: null, batch: null,
    winners: null, losers: null, eventLoopUtilization: 0, clientCpu: 0.1, loadAverage: 1, problems: [],
    cpuMsPerUnit: { app: null, mariadb: null, redis: null, nginx: null, total: 0 }, ...extra,
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
