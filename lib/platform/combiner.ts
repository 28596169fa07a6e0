/**
 * Combines concurrent calls into batches: callers `submit` one item each; batches run through
 * `run` with up to `maxBatch` items in arrival order, and each caller gets the result for its own
 * item. There is no timer: a batch leaves as soon as it may (plus one turn of the event loop, so
 * items whose inputs arrived in the same burst share it), so a lone caller waits for nothing.
 *
 * A batch may leave while others run: up to `maxInFlight` at once, but only once every running
 * batch has called its `phase.committing()` (its own work is done and it only waits to finish).
 * So the next batch prepares while the last one commits, and the items that arrive meanwhile
 * still gather into one batch. A `run` that never calls it runs one batch at a time.
 *
 * `keyOf` names an item's owner: items of one owner never run in two batches at once. An item
 * whose owner has a batch running waits in the queue, in order, for that batch to finish (the
 * items behind it may leave first); several of one owner's queued items may share a batch.
 * It knows nothing of SQL or Redis.
 */
export type Combiner<I, O> = {
  submit(item: I): Promise<O>;
  /** Items waiting for a batch (for tests and diagnostics). */
  queued(): number;
  /** Batches running now. */
  inFlight(): number;
  /** Resolves when nothing is queued or running. */
  drained(): Promise<void>;
};

type Options<I> = { maxBatch: number; maxInFlight?: number; keyOf?: (item: I) => string | number };

/** What a running batch tells the combiner. */
export type BatchPhase = { committing(): void };

/** `run` answers with one result per item, in the items' order; if it throws, every item of the batch gets that error. */
export function createCombiner<I, O>(run: (batch: I[], phase: BatchPhase) => Promise<O[]>, { maxBatch, maxInFlight = 1, keyOf }: Options<I>): Combiner<I, O> {
  type Waiting = { item: I; key: unknown; resolve: (o: O) => void; reject: (e: unknown) => void };
  const queue: Waiting[] = [];
  /** Owners with a batch running, and how many of their items it holds. */
  const busy = new Map<unknown, number>();
  let running = 0;
  /** Running batches that have not said they are committing. */
  let preparing = 0;
  let scheduled = false;
  let idle: Promise<void> | null = null;
  let settleIdle = () => {};

  /** The next batch: queued items, in order, whose owner has no batch running. */
  function takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    for (let i = 0; i < queue.length && batch.length < maxBatch; ) {
      const w = queue[i]!;
      if (w.key !== undefined && busy.has(w.key)) i++;
      else batch.push(...queue.splice(i, 1));
    }
    return batch;
  }

  async function runBatch(batch: Waiting[]) {
    for (const w of batch) if (w.key !== undefined) busy.set(w.key, (busy.get(w.key) ?? 0) + 1);
    let prepared = false;
    const committing = () => {
      if (prepared) return;
      prepared = true;
      preparing--;
      pump();
    };
    try {
      const results = await run(
        batch.map((w) => w.item),
        { committing },
      );
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (e) {
      for (const w of batch) w.reject(e);
    } finally {
      for (const w of batch) {
        if (w.key === undefined) continue;
        const left = busy.get(w.key)! - 1;
        if (left === 0) busy.delete(w.key);
        else busy.set(w.key, left);
      }
      running--;
      if (!prepared) preparing--;
      prepared = true;
      pump();
    }
  }

  function pump() {
    while (running < maxInFlight && preparing === 0 && queue.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) break;
      running++;
      preparing++;
      void runBatch(batch);
    }
    if (running === 0 && queue.length === 0 && idle) {
      idle = null;
      settleIdle();
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, key: keyOf?.(item), resolve, reject });
        idle ??= new Promise<void>((r) => (settleIdle = r));
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      });
    },
    queued: () => queue.length,
    inFlight: () => running,
    async drained() {
      while (idle) await idle;
    },
  };
}
