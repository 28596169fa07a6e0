import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Every Prometheus metric of this process, in one registry. Next.js loads lib/ once per bundle
 * (route handlers, server actions, pages), so the registry is anchored on globalThis: whichever
 * bundle records first creates it, every other one finds it. prom-client itself is a server
 * external package (next.config.mjs), so its cluster listener is also one per process.
 */
function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const checkouts = new Counter({
    name: "stockroom_checkouts_total",
    help: "Checkouts answered, by strategy and outcome (created, replayed, or the error code).",
    labelNames: ["strategy", "outcome"] as const,
    registers: [registry],
  });
  const checkoutDuration = new Histogram({
    name: "stockroom_checkout_duration_seconds",
    help: "Time from the checkout call to its answer (slot, cart read, commit, cart cleanup), by strategy.",
    labelNames: ["strategy"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: "stockroom_checkout_batch_size",
    help: "Orders carried by one batched transaction (the batched strategy only).",
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  const txRetries = new Counter({
    name: "stockroom_checkout_tx_retries_total",
    help: "Checkout transactions run again after a deadlock, a lock-wait timeout or a duplicate key at INSERT (one per batch for batched).",
    labelNames: ["strategy"] as const,
    registers: [registry],
  });
  const optimisticRetries = new Counter({
    name: "stockroom_checkout_optimistic_retries_total",
    help: "Compare-and-set stock updates of the optimistic strategy that lost and read again.",
    registers: [registry],
  });
  const soldoutRefusals = new Counter({
    name: "stockroom_soldout_refusals_total",
    help: "Checkouts refused by the Redis sold-out hints before any transaction.",
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: "stockroom_http_requests_total",
    help: "API requests answered, by route pattern (e.g. /api/orders/[orderId]), method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "stockroom_http_request_duration_seconds",
    help: "API request latency, by route pattern and method.",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "stockroom_db_pool_connections",
    help: "The MariaDB pool's connections: in_use, idle, and requests waiting for one (summed over workers).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const pool = poolStats();
      this.set({ state: "in_use" }, pool.inUse);
      this.set({ state: "idle" }, pool.idle);
      this.set({ state: "waiting" }, pool.waiting);
    },
  });
  new Gauge({
    name: "stockroom_redis_up",
    help: "1 when the Redis client is connected and ready (the lowest over workers), else 0.",
    aggregator: "min",
    registers: [registry],
    collect() {
      this.set(redisReady() ? 1 : 0);
    },
  });

  return { registry, checkouts, checkoutDuration, batchSize, txRetries, optimisticRetries, soldoutRefusals, httpRequests, httpDuration };
}

export type Metrics = ReturnType<typeof create>;

const shared = globalThis as unknown as { stockroomMetrics?: Metrics };

/** This process's metrics, created on first use. */
export function metrics(): Metrics {
  if (!shared.stockroomMetrics) {
    shared.stockroomMetrics = create();
    // A cluster worker answers the primary's "your metrics, please" (lib/platform/metrics/cluster-primary.mjs)
    // from this registry; constructing an AggregatorRegistry is what installs that listener.
    AggregatorRegistry.setRegistries([shared.stockroomMetrics.registry]);
    new AggregatorRegistry();
  }
  return shared.stockroomMetrics;
}

type PoolInternals = { pool?: { _allConnections?: { length: number }; _freeConnections?: { length: number }; _connectionQueue?: { length: number } } };

/**
 * Read from the pool db/index.ts keeps on globalThis (not imported, so that scraping never opens
 * a pool). mysql2 has no public counters; these arrays are what its own pool uses.
 */
function poolStats() {
  const inner = (globalThis as unknown as { stockroomPool?: PoolInternals }).stockroomPool?.pool;
  const all = inner?._allConnections?.length ?? 0;
  const idle = inner?._freeConnections?.length ?? 0;
  return { inUse: all - idle, idle, waiting: inner?._connectionQueue?.length ?? 0 };
}

function redisReady() {
  const client = (globalThis as unknown as { stockroomRedis?: { status?: string } }).stockroomRedis;
  return client?.status === "ready";
}
