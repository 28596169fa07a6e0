/** Reading GET /api/metrics (Prometheus text format) back into checkout counters, for tests and the bench. */

/** The METRICS_TOKEN the servers that tests and the bench start are given, and send to read their metrics. */
export const TEST_METRICS_TOKEN = "bench-metrics-token-0123456789";

/** The server's checkout counters, over a scrape or between two. */
export type CheckoutMetrics = {
  orders: number;
  outOfStock: number;
  busy: number;
  replays: number;
  optimisticRetries: number;
  txRetries: number;
  /** Batched strategy only: transactions run, orders they carried, and how many batches had 1, 2-4, 5-16, 17-64 orders. */
  batches?: number;
  batchedOrders?: number;
  batchSizes?: Record<string, number>;
  /** CPU the server's Node processes used (process_cpu_seconds_total, every worker summed). */
  cpuSeconds?: number;
  /** HTTP only: `POST /api/orders` answered, and the seconds they held the server in all (the route's own timer). */
  orderRequests?: number;
  orderRequestSeconds?: number;
};

export type Sample = { name: string; labels: Record<string, string>; value: number };

/** Every sample line of an exposition (comments and blank lines skipped). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sumOf(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
}

const ORDER_ROUTE = { route: "/api/orders", method: "POST" };

/** The checkout counters from a scrape (cumulative since the server started). */
export function checkoutMetricsFrom(text: string): CheckoutMetrics {
  const s = parseExposition(text);
  const outcome = (o: string) => sumOf(s, "stockroom_checkouts_total", { outcome: o });
  const le = (bound: string) => sumOf(s, "stockroom_checkout_batch_size_bucket", { le: bound });
  return {
    orders: outcome("created"),
    outOfStock: outcome("OUT_OF_STOCK"),
    busy: outcome("BUSY"),
    replays: outcome("replayed"),
    optimisticRetries: sumOf(s, "stockroom_checkout_optimistic_retries_total"),
    txRetries: sumOf(s, "stockroom_checkout_tx_retries_total"),
    batches: sumOf(s, "stockroom_checkout_batch_size_count"),
    batchedOrders: sumOf(s, "stockroom_checkout_batch_size_sum"),
    batchSizes: { "1": le("1"), "2-4": le("4") - le("1"), "5-16": le("16") - le("4"), "17-64": le("64") - le("16") },
    cpuSeconds: sumOf(s, "process_cpu_seconds_total"),
    orderRequests: sumOf(s, "stockroom_http_request_duration_seconds_count", ORDER_ROUTE),
    orderRequestSeconds: sumOf(s, "stockroom_http_request_duration_seconds_sum", ORDER_ROUTE),
  };
}

/** `after - before`, field by field: what happened in between, e.g. one benchmark cell (Prometheus counters never reset). */
export function metricsSince(before: CheckoutMetrics, after: CheckoutMetrics): CheckoutMetrics {
  const sizes: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.batchSizes ?? {})) sizes[k] = v - (before.batchSizes?.[k] ?? 0);
  return {
    orders: after.orders - before.orders,
    outOfStock: after.outOfStock - before.outOfStock,
    busy: after.busy - before.busy,
    replays: after.replays - before.replays,
    optimisticRetries: after.optimisticRetries - before.optimisticRetries,
    txRetries: after.txRetries - before.txRetries,
    batches: (after.batches ?? 0) - (before.batches ?? 0),
    batchedOrders: (after.batchedOrders ?? 0) - (before.batchedOrders ?? 0),
    batchSizes: sizes,
    cpuSeconds: (after.cpuSeconds ?? 0) - (before.cpuSeconds ?? 0),
    orderRequests: (after.orderRequests ?? 0) - (before.orderRequests ?? 0),
    orderRequestSeconds: (after.orderRequestSeconds ?? 0) - (before.orderRequestSeconds ?? 0),
  };
}
