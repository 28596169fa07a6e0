import { describe, expect, it } from "vitest";
import { verdicts } from "./lib/acceptance";
import { pooledRatio, ratioMarkdown } from "./lib/cpu-ratio";
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

  describe("issue 39's CPU targets", () => {
    const cpu = (app: number | null, mariadb: number | null, redis: number | null) => ({ cpuMsPerUnit: { app, mariadb, redis, nginx: null, total: (app ?? 0) + (mariadb ?? 0) + (redis ?? 0) } });
    const verdictOf = (cells: Cell[], ratios: Parameters<typeof verdicts>[1] = []) => Object.fromEntries(verdicts(cells, ratios).map((v) => [v.target, v]));
    const TOTAL = "service, hot, W=64: batched costs all server-side processes together <= 0.35 ms of CPU per order (issue 39)";
    const MARIADB = "service, hot, W=64: batched's MariaDB CPU per order <= 1.0x the raw UPDATE's per statement (issue 39)";
    const HTTP = (n: number) => `http, hot, W=64, ${n} worker(s): app CPU per batched checkout <= 1.3x per trivial-route request (issue 39)`;

    it("adds every server-side process for the total, and sets MariaDB per order against the raw UPDATE's per statement", () => {
      const over = verdictOf([cell("service", "raw-update", "hot", null, 5000, cpu(null, 0.16, 0)), cell("service", "checkout", "hot", "batched", 2500, cpu(0.17, 0.2, 0.045))]);
      expect([over[TOTAL]!.met, over[MARIADB]!.met]).toEqual([false, false]);
      expect(over[TOTAL]!.detail).toBe("app 0.170 + MariaDB 0.200 + Redis 0.045 = 0.415 ms");
      expect(over[MARIADB]!.detail).toBe("0.200 vs 0.160 ms = 1.25x");
      const under = verdictOf([cell("service", "raw-update", "hot", null, 5000, cpu(null, 0.16, 0)), cell("service", "checkout", "hot", "batched", 2500, cpu(0.15, 0.16, 0.04))]);
      expect([under[TOTAL]!.met, under[MARIADB]!.met]).toEqual([true, true]);
    });

    it("judges HTTP by the alternating slices when there are some, else by the two cells", () => {
      const cells = [cell("http", "noop-route", "hot", null, 600, cpu(2, 0, 0)), cell("http", "checkout", "hot", "batched", 400, cpu(2.8, 0.3, 0.1))];
      expect(verdictOf(cells)[HTTP(1)]!.met).toBe(false);
      // The cells alone say 1.4x; the slices, with their CPU and units pooled, say 1.25x.
      const rounds = [
        { trivialAppMs: 200, requests: 100, checkoutAppMs: 250, orders: 100 },
        { trivialAppMs: 300, requests: 100, checkoutAppMs: 375, orders: 100 },
      ];
      const sliced = verdictOf(cells, [pooledRatio("batched", 1, 64, 2, rounds)])[HTTP(1)]!;
      expect(sliced.met).toBe(true);
      expect(sliced.detail).toMatch(/^1\.25x pooled over 2 alternating rounds \(each 1\.25, 1\.25\); the two cells alone 2\.800 vs 2\.000 ms = 1\.40x$/);
      // With the waiting slices, the verdict names that floor too.
      const waited = rounds.map((r) => ({ ...r, waitMs: 60, waitingAppMs: 300, waitingRequests: 100 }));
      expect(verdictOf(cells, [pooledRatio("batched", 1, 64, 2, waited)])[HTTP(1)]!.detail).toMatch(
        /^1\.25x pooled over 2 alternating rounds \(each 1\.25, 1\.25\); a request held as long \(60 ms\) doing nothing 1\.20x; the two cells alone/,
      );
      // Rounds run first to warm the server are named, not counted.
      const warmed = pooledRatio("batched", 1, 64, 2, rounds, [], 5);
      expect(verdictOf(cells, [warmed])[HTTP(1)]!.detail).toMatch(/^1\.25x pooled over 2 alternating rounds after 5 untimed \(each 1\.25, 1\.25\)/);
      expect(ratioMarkdown([warmed])).toContain("| 2 x 2 s after 5 untimed |");
    });

    it("pools the slices' CPU and units rather than averaging each round's ratio", () => {
      const r = pooledRatio("batched", 2, 64, 2, [
        { trivialAppMs: 100, requests: 100, checkoutAppMs: 300, orders: 100 },
        { trivialAppMs: 900, requests: 300, checkoutAppMs: 100, orders: 100 },
      ]);
      // (400 ms / 200 orders) / (1000 ms / 400 requests) = 2 / 2.5; each round alone: 3.0 and 0.33.
      expect([r.checkoutMsPerOrder, r.trivialMsPerRequest]).toEqual([2, 2.5]);
      expect(r.pooled).toBeCloseTo(0.8, 10);
      expect(r.perRound.map((x) => Number(x.toFixed(2)))).toEqual([0.33, 3]);
      expect(r.mainThread).toBeUndefined();
    });

    it("pools the main threads' share the same way, only when every round has it", () => {
      const rounds = [
        { trivialAppMs: 200, requests: 100, checkoutAppMs: 300, orders: 100, trivialMainMs: 150, checkoutMainMs: 160 },
        { trivialAppMs: 200, requests: 100, checkoutAppMs: 300, orders: 100, trivialMainMs: 170, checkoutMainMs: 180 },
      ];
      const r = pooledRatio("batched", 1, 64, 2, rounds);
      expect(r.pooled).toBeCloseTo(1.5, 10);
      expect(r.mainThread).toEqual({ trivialMsPerRequest: 1.6, checkoutMsPerOrder: 1.7, pooled: 1.7 / 1.6 });
      expect(ratioMarkdown([r])).toContain("| 1.600 / 1.700, 1.06x | 0.400 / 1.300 |");
      expect(pooledRatio("batched", 1, 64, 2, [rounds[0]!, { ...rounds[1]!, checkoutMainMs: undefined }]).mainThread).toBeUndefined();
    });

    it("sets the waiting route beside both, pooled the same way, only when every round has it", () => {
      const rounds = [
        { trivialAppMs: 100, requests: 100, checkoutAppMs: 150, orders: 100, waitMs: 70, waitingAppMs: 120, waitingRequests: 100 },
        { trivialAppMs: 100, requests: 100, checkoutAppMs: 150, orders: 100, waitMs: 90, waitingAppMs: 480, waitingRequests: 300 },
      ];
      const r = pooledRatio("batched", 1, 64, 2, rounds);
      // 600 ms / 400 requests = 1.5 ms waiting, against 1.0 trivial and 1.5 per checkout.
      expect(r.waiting).toEqual({ heldMs: 80, msPerRequest: 1.5, overTrivial: 1.5, checkoutOverWaiting: 1 });
      expect(ratioMarkdown([r])).toContain("| 80, 1.500, 1.50x | 1.00x |");
      expect(pooledRatio("batched", 1, 64, 2, [rounds[0]!, { ...rounds[1]!, waitMs: undefined }]).waiting).toBeUndefined();
      expect(ratioMarkdown([pooledRatio("batched", 1, 64, 2, [rounds[0]!, { ...rounds[1]!, waitMs: undefined }])])).toContain("| - | - |");
    });
  });
});
