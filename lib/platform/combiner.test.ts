import { describe, expect, it } from "vitest";
import { createCombiner, type BatchPhase } from "./combiner";

/**
 * A runner that records its batches and can be held open, to see what queues behind it.
 * `committingAtOnce`: each batch says at once that it is committing, so the next may leave.
 */
function fakeRunner({ committingAtOnce = false } = {}) {
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
    async run(items: number[], phase?: BatchPhase) {
      batches.push(items);
      if (committingAtOnce) phase?.committing();
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

  it("lets the next batch leave only once the running one is committing", async () => {
    const runner = fakeRunner();
    const c = createCombiner((b: number[]) => runner.run(b), { maxBatch: 2, maxInFlight: 2 });
    runner.hold();
    const first = c.submit(1);
    await new Promise(setImmediate);
    const second = c.submit(2);
    await new Promise(setImmediate);
    // The first never says it is committing: the second waits although a slot is free.
    expect(c.inFlight()).toBe(1);
    expect(c.queued()).toBe(1);
    runner.release();
    expect(await Promise.all([first, second])).toEqual([10, 20]);
    expect(runner.maxInFlight()).toBe(1);
  });

  it("runs up to maxInFlight committing batches at once", async () => {
    const runner = fakeRunner({ committingAtOnce: true });
    const c = createCombiner((b: number[], phase) => runner.run(b, phase), { maxBatch: 2, maxInFlight: 2 });
    runner.hold();
    const first = [c.submit(1), c.submit(2)];
    await new Promise(setImmediate);
    const second = [c.submit(3), c.submit(4)];
    await new Promise(setImmediate);
    expect(c.inFlight()).toBe(2);
    const third = c.submit(5);
    await new Promise(setImmediate);
    expect(c.queued()).toBe(1);
    runner.release();
    expect(await Promise.all([...first, ...second, third])).toEqual([10, 20, 30, 40, 50]);
    expect(runner.batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(runner.maxInFlight()).toBe(2);
  });

  it("never puts one owner's items in two batches at once; the items behind them go ahead", async () => {
    const runner = fakeRunner({ committingAtOnce: true });
    // Owner: the tens digit (11 and 12 are one owner's).
    const c = createCombiner((b: number[], phase) => runner.run(b, phase), { maxBatch: 8, maxInFlight: 3, keyOf: (n) => Math.floor(n / 10) });
    runner.hold();
    const first = c.submit(11);
    await new Promise(setImmediate);
    const rest = [c.submit(12), c.submit(21), c.submit(13)];
    await new Promise(setImmediate);
    // 12 and 13 wait for 11's batch; 21 leaves in a batch of its own.
    expect(runner.batches).toEqual([[11], [21]]);
    expect(c.queued()).toBe(2);
    runner.release();
    expect(await Promise.all([first, ...rest])).toEqual([110, 120, 210, 130]);
    expect(runner.batches).toEqual([[11], [21], [12, 13]]);
  });
});
