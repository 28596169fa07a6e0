// Cross-worker metrics for a node:cluster primary (the production launcher that forks one
// `next start` worker per core). Plain ESM on dependencies only, so the primary can import it
// from a pruned production install:
//
//   import cluster from "node:cluster";
//   import { setupClusterMetrics } from "./lib/metrics/cluster-primary.mjs";
//   if (cluster.isPrimary) {
//     setupClusterMetrics();           // before the first cluster.fork()
//     for (...) cluster.fork();
//   }
//
// Any worker that serves GET /api/metrics asks the primary over the cluster IPC channel; the
// primary collects every live worker's registry (prom-client's AggregatorRegistry: counters and
// histograms summed, stockroom_redis_up the minimum) and answers that one worker with the text.
// So a scrape through the shared port returns the sum over all workers, not one random worker.
import cluster from "node:cluster";
import promClient from "prom-client";

/** Worker -> primary: `{ type, id }`; primary -> worker: `{ type, id, text } | { type, id, error }`. */
export const METRICS_REQUEST = "stockroom:metrics-request";
export const METRICS_RESPONSE = "stockroom:metrics-response";
/** Set in the primary's environment (so inherited by every forked worker) once aggregation is on. */
export const CLUSTER_METRICS_ENV = "STOCKROOM_CLUSTER_METRICS";

let installed = false;

/**
 * Call once in the cluster primary, before forking. Idempotent. Returns the aggregator, whose
 * `clusterMetrics()` the primary may also call itself.
 */
export function setupClusterMetrics() {
  if (!cluster.isPrimary) throw new Error("setupClusterMetrics() belongs in the cluster primary");
  const aggregator = new promClient.AggregatorRegistry();
  if (installed) return aggregator;
  installed = true;
  process.env[CLUSTER_METRICS_ENV] = "1";
  cluster.on("message", (worker, message) => {
    if (!message || typeof message !== "object" || message.type !== METRICS_REQUEST) return;
    const reply = (body) => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...body });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
  return aggregator;
}
