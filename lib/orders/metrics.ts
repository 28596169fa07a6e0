/**
 * Checkout counters for the benchmark (read through /api/bench/metrics when BENCH_METRICS=1).
 * Per process and only ever added to, so they need no coordination.
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
}

export function resetCheckoutMetrics() {
  for (const key of Object.keys(checkoutMetrics) as (keyof typeof checkoutMetrics)[]) {
    if (key === "batchSizes") for (const b of Object.keys(checkoutMetrics.batchSizes) as (keyof typeof checkoutMetrics.batchSizes)[]) checkoutMetrics.batchSizes[b] = 0;
    else checkoutMetrics[key] = 0;
  }
}
