import { describe, expect, it } from "vitest";
import { createCombiner } from "./combiner";

/** A runner that records its batches and can be held open, to see what queues behind it. */
function fakeRunner() {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> | null = null;
  let open = () => {};
  return {
    batches,
    maxInFlight: () => maxInFlight,
    hold() {
      gate = new Promise<void>((r) => (open = r));
    },
    release() {
      gate = null;
      open();
    },
    async run(items: number[]) {
      batches.push(items);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (gate) await gate;
        if (items.includes(-1)) throw new Error("bad batch");
        return items.map((n) => n * 10);
      } finally {
        inFlight--;
      }
    },
  };
}

describe("combiner", () => {
  it("answers each caller with its own result, and a lone caller goes alone", async () => {
    const runner = fakeRunner();
    const c = createCombiner((b: number[]) => runner.run(b), { maxBatch: 8 });
    await expect(c.submit(7)).resolves.toBe(70);
    expect(runner.batches).toEqual([[7]]);
  });

  it("puts callers of one burst in one batch, in arrival order", async () => {
    const runner = fakeRunner();
    const c = createCombiner((b: number[]) => runner.run(b), { maxBatch: 8 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => c.submit(n)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(runner.batches).toEqual([[1, 2, 3, 4]]);
  });

  it("never runs two batches at once, and never more than maxBatch items in one", async () => {
    const runner = fakeRunner();
    const c = createCombiner((b: number[]) => runner.run(b), { maxBatch: 3 });
    runner.hold();
    const first = c.submit(0);
    await new Promise(setImmediate);
    await new Promise(setImmediate);
    const rest = [1, 2, 3, 4, 5, 6, 7].map((n) => c.submit(n));
    expect(c.queued()).toBe(7);
    runner.release();
    expect(await Promise.all([first, ...rest])).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(runner.batches).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]]);
    expect(runner.maxInFlight()).toBe(1);
  });

  it("fails every caller of a failed batch, and goes on with the next", async () => {
    const runner = fakeRunner();
    const c = createCombiner((b: number[]) => runner.run(b), { maxBatch: 2 });
    const [a, b, d] = [c.submit(1), c.submit(-1), c.submit(3)];
    await expect(a).rejects.toThrow("bad batch");
    await expect(b).rejects.toThrow("bad batch");
    await expect(d).resolves.toBe(30);
  });

  it("drained() waits for queued and running batches, and resolves at once when idle", async () => {
    const runner = fakeRunner();
    const c = createCombiner((b: number[]) => runner.run(b), { maxBatch: 2 });
    await c.drained();
    runner.hold();
    const all = Promise.all([1, 2, 3].map((n) => c.submit(n)));
    let drained = false;
    const waiting = c.drained().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    runner.release();
    await waiting;
    expect(c.queued()).toBe(0);
    expect(await all).toEqual([10, 20, 30]);
  });
});
