import { metrics } from "@/lib/platform/metrics/registry";

/** Checkout events, recorded in this process's Prometheus registry (lib/platform/metrics/registry.ts, GET /api/metrics). */

export function recordBatch(size: number) {
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
  metrics().txRetries.inc({ strategy });
}

export function recordOptimisticRetry() {
  metrics().optimisticRetries.inc();
}

/** A checkout refused by the sold-out hints, before any transaction. */
export function recordSoldOutHint() {
  metrics().soldoutRefusals.inc();
}

