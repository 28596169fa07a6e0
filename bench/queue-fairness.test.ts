import { describe, expect, it } from "vitest";
import { kendallTau, prequeueShare } from "./lib/queue-fairness";

describe("kendallTau (tau-b)", () => {
  it("is 1 for the same order and -1 for the reverse", () => {
    expect(kendallTau([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])).toBe(1);
    expect(kendallTau([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBe(-1);
  });

  it("counts each swapped pair once: one adjacent swap among 5 is (9 - 1) / 10", () => {
    expect(kendallTau([1, 2, 3, 4, 5], [1, 3, 2, 4, 5])).toBeCloseTo(0.8, 12);
  });

  it("matches a hand count with ties on both sides (tau-b's denominator)", () => {
    // Pairs: 6; x ties: (0,1); y ties: (2,3); concordant: (0,2) (0,3) (1,2) (1,3) = 4, discordant 0.
    expect(kendallTau([1, 1, 2, 3], [1, 2, 3, 3])).toBeCloseTo(4 / Math.sqrt(5 * 5), 12);
  });

  it("is near 0 for unrelated orders", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const xs = Array.from({ length: 2_000 }, (_, i) => i);
    const ys = xs.map(() => rand());
    expect(Math.abs(kendallTau(xs, ys))).toBeLessThan(0.05);
  });

  it("is NaN without a pair to compare, and refuses rankings of different lengths", () => {
    expect(kendallTau([1], [1])).toBeNaN();
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => kendallTau([1, 2], [1])).toThrow(/2 x values but 1/);
  });
});

describe("prequeueShare", () => {
  it("expects sold x members / size, and the tail from 0 is certain", () => {
    const s = prequeueShare(30, 2_530, 100, 0);
    expect(s.expected).toBeCloseTo((100 * 30) / 2_530, 12);
    expect(s.pAtLeast).toBeCloseTo(1, 9);
  });

  it("matches a small hypergeometric by hand: 2 of 4 members, 2 sold, both to members = 1/6", () => {
    expect(prequeueShare(2, 4, 2, 2).pAtLeast).toBeCloseTo(1 / 6, 12);
    expect(prequeueShare(2, 4, 2, 1).pAtLeast).toBeCloseTo(5 / 6, 12);
  });
});
