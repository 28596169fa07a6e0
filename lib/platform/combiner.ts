/**
 * Combines concurrent calls into batches: callers `submit` one item each; one batch at a time
 * runs through `run` with up to `maxBatch` items in arrival order, and each caller gets the
 * result for its own item. There is no timer: a batch leaves as soon as the previous one is
 * done (plus one turn of the event loop, so items whose inputs arrived in the same burst share
 * the first batch), so a lone caller waits for nothing. It knows nothing of SQL or Redis.
 */
export type Combiner<I, O> = {
  submit(item: I): Promise<O>;
  /** Items waiting for a batch (for tests and diagnostics). */
  queued(): number;
  /** Resolves when nothing is queued or running. */
  drained(): Promise<void>;
};

/** `run` answers with one result per item, in the items' order; if it throws, every item of the batch gets that error. */
export function createCombiner<I, O>(run: (batch: I[]) => Promise<O[]>, { maxBatch }: { maxBatch: number }): Combiner<I, O> {
  type Waiting = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  const queue: Waiting[] = [];
  let running: Promise<void> | null = null;

  async function drain() {
    await new Promise(setImmediate);
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const results = await run(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        running ??= drain().finally(() => (running = null));
      });
    },
    queued: () => queue.length,
    async drained() {
      while (running) await running;
    },
  };
}
