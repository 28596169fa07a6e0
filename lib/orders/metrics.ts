import { metrics } from "@/lib/metrics/registry";

/**
 * In-process checkout counters, for tests and the benchmark's service mode. Operators read the
 * same events as Prometheus metrics (lib/metrics/registry.ts, GET /api/metrics), which the
 * functions below also record.
 */
export const checkoutMetrics = {
  orders: 0,
  outOfStock: 0,
  busy: 0,
  replays: 0,
  optimisticRetries: 0,
  txRetries: 0,
  batches: 0,
  batchedOrders: 0,
  /** Batch sizes: 1, 2-4, 5-16, 17-64. */
  batchSizes: { "1": 0, "2-4": 0, "5-16": 0, "17-64": 0 },
};

export function recordBatch(size: number) {
  checkoutMetrics.batches++;
  checkoutMetrics.batchedOrders += size;
  const bucket = size === 1 ? "1" : size <= 4 ? "2-4" : size <= 16 ? "5-16" : "17-64";
  checkoutMetrics.batchSizes[bucket]++;
  metrics().batchSize.observe(size);
}

/** One answered checkout: `outcome` is created, replayed, or the error code. */
export function recordCheckout(strategy: string, outcome: string, seconds: number) {
  const m = metrics();
  m.checkouts.inc({ strategy, outcome });
  m.checkoutDuration.observe({ strategy }, seconds);
}

/** A checkout transaction that is run again (deadlock, lock-wait timeout, duplicate key at INSERT). */
export function recordTxRetry(strategy: string) {
  checkoutMetrics.txRetries++;
  metrics().txRetries.inc({ strategy });
}

export function recordOptimisticRetry() {
  checkoutMetrics.optimisticRetries++;
  metrics().optimisticRetries.inc();
}

/** A checkout refused by the sold-out hints, before any transaction. */
export function recordSoldOutHint() {
  metrics().soldoutRefusals.inc();
}

export function resetCheckoutMetrics() {
  for (const key of Object.keys(checkoutMetrics) as (keyof typeof checkoutMetrics)[]) {
    if (key === "batchSizes") for (const b of Object.keys(checkoutMetrics.batchSizes) as (keyof typeof checkoutMetrics.batchSizes)[]) checkoutMetrics.batchSizes[b] = 0;
    else checkoutMetrics[key] = 0;
  }
}
