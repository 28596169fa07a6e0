import { describe, expect, it } from "vitest";
import { LATENCY_BOUNDS_MS, latencyBucket, parseSecond, quantile, withStockLeft } from "./live-series";

const histogram = (entries: Record<number, number>) => {
  const counts = Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  for (const [i, n] of Object.entries(entries)) counts[Number(i)] = n;
  return counts;
};

describe("drop view series", () => {
  it("puts a latency in the first bucket whose bound holds it, and the slowest in the open one", () => {
    expect(latencyBucket(0.4)).toBe(0);
    expect(latencyBucket(2)).toBe(0);
    expect(latencyBucket(2.1)).toBe(1);
    expect(latencyBucket(10_000)).toBe(LATENCY_BOUNDS_MS.length - 1);
    expect(latencyBucket(60_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it("derives p50 and p99 from summed bucket counts, interpolated within the bucket", () => {
    // 100 samples in (10, 25] ms: the median is halfway, p99 near the top.
    expect(quantile(0.5, histogram({ 3: 100 }))).toBe(17.5);
    expect(quantile(0.99, histogram({ 3: 100 }))).toBeCloseTo(24.85);
    // 98 fast, 2 slow: p50 stays fast, p99 lands in the slow bucket.
    const mixed = histogram({ 0: 98, 8: 2 });
    expect(quantile(0.5, mixed)).toBeLessThanOrEqual(2);
    expect(quantile(0.99, mixed)).toBeGreaterThan(500);
    expect(quantile(0.5, histogram({}))).toBeNull();
    expect(quantile(0.5, histogram({ [LATENCY_BOUNDS_MS.length]: 1 }))).toBe(10_000);
  });

  it("reads a second's hash and counts unknown outcomes nowhere but their own field", () => {
    const s = parseSecond(100, { u: "3", "o:created": "2", "o:OUT_OF_STOCK": "5", "o:other": "1", "l:2": "8" });
    expect(s.units).toBe(3);
    expect(s.outcomes).toEqual({ created: 2, OUT_OF_STOCK: 5, PURCHASE_LIMIT_REACHED: 0, SALE_NOT_STARTED: 0, CART_ALREADY_ORDERED: 0, BUSY: 0, other: 1 });
    expect(s.p50Ms).toBe(7.5);
  });

  it("gives each second the stock left at its end: now plus what later seconds sold", () => {
    const secs = [4, 0, 3, 1].map((units, t) => ({ ...parseSecond(t, { u: String(units) }) }));
    expect(withStockLeft(secs, 2).map((s) => s.stockLeft)).toEqual([6, 6, 3, 2]);
  });
});
