import { countCheckout } from "@/lib/drops/live-counts";
import { metrics } from "@/lib/platform/metrics/registry";
import type { ErrorCode } from "@/lib/errors";
import type { CheckoutStrategy as Strategy } from "@/lib/platform/env";

/** Checkout events, recorded in this process's Prometheus registry (lib/platform/metrics/registry.ts, GET /api/metrics). */

export function recordBatch(size: number) {
  metrics().batchSize.observe(size);
}

/** How a checkout ended, as its metrics, span and log line say it. */
export type CheckoutOutcome = "created" | "replayed" | ErrorCode | "error";

/** One answered checkout; with its cart lines, also counted per SKU for the console's drop view (lib/drops/live-counts.ts). */
export function recordCheckout(strategy: Strategy, outcome: CheckoutOutcome, seconds: number, lines?: readonly { skuId: number; count: number }[], userId?: number) {
  const m = metrics();
  m.checkouts.inc({ strategy, outcome });
  m.checkoutDuration.observe({ strategy }, seconds);
  countCheckout(lines, outcome, seconds * 1000, userId);
}

/** A checkout transaction that is run again (deadlock, lock-wait timeout, duplicate key at INSERT). */
export function recordTxRetry(strategy: Strategy) {
  metrics().txRetries.inc({ strategy });
}

export function recordOptimisticRetry() {
  metrics().optimisticRetries.inc();
}

/** A checkout refused by the sold-out hints, before any transaction. */
export function recordSoldOutHint() {
  metrics().soldoutRefusals.inc();
}

