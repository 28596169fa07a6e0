// A node:cluster primary like the production launcher's, for tests/metrics-cluster.test.ts: it
// sets up metrics aggregation, then forks two workers (tests/support/metrics-cluster-worker.ts)
// that share one port. Prints "ready <port>" once both listen.
import cluster from "node:cluster";
import path from "node:path";
import { setupClusterMetrics } from "../../lib/platform/metrics/cluster-primary.mjs";

const port = Number(process.env.PORT);
setupClusterMetrics();
cluster.setupPrimary({ exec: path.join(import.meta.dirname, "metrics-cluster-worker.ts"), execArgv: ["--import", "tsx"] });
let listening = 0;
cluster.on("listening", () => {
  if (++listening === 2) console.log(`ready ${port}`);
});
cluster.on("exit", (worker, code, signal) => {
  if (signal !== "SIGTERM") console.error(`worker ${worker.id} exited (${code ?? signal})`);
});
for (const index of [0, 1]) cluster.fork({ WORKER_INDEX: String(index) });
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    process.exit(0);
  });
}
