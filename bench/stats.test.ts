import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./lib/stats";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it("picks the value at rank ceil(p/100 * n)", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it("returns the only sample for any p, and the smallest for p = 0", () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 0)).toBe(1);
  });

  it("never interpolates between samples: p99 of a few samples is the slowest", () => {
    expect(percentile([1, 2, 3, 1000], 99)).toBe(1000);
    expect(percentile([1, 2, 3, 1000], 50)).toBe(2);
  });

  it("is NaN for no samples rather than a made-up zero", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("summarize", () => {
  it("sorts its input and reports n, mean and max", () => {
    const s = summarize([3, 1, 2, 10]);
    expect(s).toMatchObject({ n: 4, p50: 2, p99: 10, max: 10, mean: 4 });
  });
});
