// One worker of tests/support/metrics-cluster-primary.mjs: records a known number of checkouts
// in this process's registry and answers GET /metrics exactly as GET /api/metrics does (scrape()),
// and GET /own with this process's registry alone.
import http from "node:http";
import { metrics } from "@/lib/platform/metrics/registry";
import { scrape } from "@/lib/platform/metrics/scrape";

const index = Number(process.env.WORKER_INDEX);
const m = metrics();
m.checkouts.inc({ strategy: "batched", outcome: "created" }, index === 0 ? 3 : 5);
m.checkouts.inc({ strategy: "batched", outcome: "OUT_OF_STOCK" }, index === 0 ? 1 : 0);
m.httpRequests.inc({ route: "/api/orders", method: "POST", status: "201" }, 10 + index);

http
  .createServer((req, res) => {
    const answer = req.url === "/own" ? m.registry.metrics().then((text) => ({ text, contentType: m.registry.contentType })) : scrape();
    answer.then(
      ({ text, contentType }) => res.writeHead(200, { "content-type": contentType, "x-worker": String(index) }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  })
  .listen(Number(process.env.PORT), "127.0.0.1");
