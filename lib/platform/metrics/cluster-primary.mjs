// Cross-worker metrics for a node:cluster primary (scripts/start.mjs forks one `next start`
// worker per core behind one port). Plain ESM on dependencies only (prom-client), so the primary
// can import it from a pruned production install.
//
// Any worker that serves GET /api/metrics asks the primary over the cluster IPC channel
// (lib/platform/metrics/scrape.ts); the primary collects every live worker's registry (prom-client's
// AggregatorRegistry: counters and histograms summed, stockroom_redis_up the minimum) and answers
// that one worker with the text. So a scrape through the shared port returns the sum over all
// workers, not one random worker.
//
// With a message dispatcher of your own (scripts/start.mjs has one), before forking:
//   ipcHandlers.set(METRICS_REQUEST, metricsRequestHandler());
// or on its own, before forking:
//   setupClusterMetrics();
import cluster from "node:cluster";
import promClient from "prom-client";

/** Worker -> primary: `{ type, id }`; primary -> worker: `{ type, id, text } | { type, id, error }`. */
export const METRICS_REQUEST = "stockroom:metrics-request";
export const METRICS_RESPONSE = "stockroom:metrics-response";
/** Set in the primary's environment (so inherited by every worker it forks) once aggregation is on. */
export const CLUSTER_METRICS_ENV = "STOCKROOM_CLUSTER_METRICS";

let aggregator;

/**
 * Call in the cluster primary before forking: returns `(worker, message)` that answers a
 * METRICS_REQUEST message with every worker's metrics summed. Workers forked afterwards know to
 * ask (CLUSTER_METRICS_ENV).
 */
export function metricsRequestHandler() {
  if (!cluster.isPrimary) throw new Error("metricsRequestHandler() belongs in the cluster primary");
  aggregator ??= new promClient.AggregatorRegistry();
  process.env[CLUSTER_METRICS_ENV] = "1";
  return (worker, message) => {
    const reply = (body) => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...body }, () => {});
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  };
}

let installed = false;

/** The same, listening to the cluster's messages itself (for a primary without a dispatcher). Idempotent. */
export function setupClusterMetrics() {
  if (installed) return;
  installed = true;
  const handle = metricsRequestHandler();
  cluster.on("message", (worker, message) => {
    if (message && typeof message === "object" && message.type === METRICS_REQUEST) handle(worker, message);
  });
}
