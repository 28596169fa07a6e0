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
};

export function resetCheckoutMetrics() {
  for (const key of Object.keys(checkoutMetrics) as (keyof typeof checkoutMetrics)[]) checkoutMetrics[key] = 0;
}
