import cluster from "node:cluster";
import { log } from "@/lib/platform/log";
import { CLUSTER_METRICS_ENV, METRICS_REQUEST, METRICS_RESPONSE } from "./cluster-primary.mjs";
import { metrics } from "./registry";

/** Longer than prom-client's own 5 s wait for every worker's answer. */
const PRIMARY_TIMEOUT_MS = 6_000;
let nextId = 0;

type Response = { type: string; id: string; text?: string; error?: string };

/** The aggregated text from the cluster primary (every worker's registry summed). */
function askPrimary(): Promise<string> {
  const id = `${process.pid}:${nextId++}`;
  return new Promise((resolve, reject) => {
    const onMessage = (message: Response) => {
      if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
      done();
      if (message.error !== undefined || message.text === undefined) reject(new Error(message.error ?? "no text"));
      else resolve(message.text);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error("the cluster primary did not answer"));
    }, PRIMARY_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      process.off("message", onMessage);
    };
    process.on("message", onMessage);
    process.send!({ type: METRICS_REQUEST, id });
  });
}

/**
 * The Prometheus exposition for a scrape: summed over every worker when this process is a
 * cluster worker whose primary set up aggregation, else this process's own registry. If the
 * primary cannot answer, the scrape still returns this worker's numbers (and says so in the log).
 */
export async function scrape(): Promise<{ contentType: string; text: string }> {
  const { registry } = metrics();
  if (process.env[CLUSTER_METRICS_ENV] === "1" && cluster.isWorker && process.send) {
    try {
      return { contentType: registry.contentType, text: await askPrimary() };
    } catch (err) {
      log.warn({ err }, "cluster metrics unavailable; answering with this worker's only");
    }
  }
  return { contentType: registry.contentType, text: await registry.metrics() };
}
