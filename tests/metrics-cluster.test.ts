import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExposition, sumOf } from "@/bench/lib/prometheus";

// A port of this suite's own (tests/faults use 3601+, e2e 3100).
const PORT = Number(process.env.METRICS_CLUSTER_TEST_PORT ?? 3471);
const base = `http://127.0.0.1:${PORT}`;

let primary: ChildProcess;

/** A GET on a new connection each time, so the cluster's round robin spreads them over the workers. */
function get(path: string): Promise<{ status: number; worker: string; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, worker: String(res.headers["x-worker"]), text }));
      })
      .on("error", reject);
  });
}

beforeAll(async () => {
  primary = spawn(process.execPath, [path.join(import.meta.dirname, "support/metrics-cluster-primary.mjs")], {
    env: { ...process.env, PORT: String(PORT), LOG_LEVEL: "silent", STOCKROOM_CLUSTER_METRICS: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the cluster did not start in 30 s")), 30_000);
    primary.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    primary.once("exit", (code) => reject(new Error(`the primary exited with ${code}`)));
  });
});

afterAll(() => {
  primary?.kill("SIGTERM");
});

describe("metrics with two worker processes on one port", () => {
  it("every scrape sums both workers, whichever worker serves it", async () => {
    const servedBy = new Set<string>();
    const own = new Set<number>();
    for (let i = 0; i < 8; i++) {
      // Each worker alone has 3 or 5 created checkouts...
      // (two of these and one scrape per round, so round robin hands each kind to both workers)
      for (const alone of [await get("/own"), await get("/own")]) own.add(sumOf(parseExposition(alone.text), "stockroom_checkouts_total", { outcome: "created" }));
      // ...and a scrape through the shared port, whichever worker takes it, shows 8.
      const res = await get("/metrics");
      expect(res.status).toBe(200);
      servedBy.add(res.worker);
      const samples = parseExposition(res.text);
      expect(sumOf(samples, "stockroom_checkouts_total", { strategy: "batched", outcome: "created" })).toBe(8);
      expect(sumOf(samples, "stockroom_checkouts_total", { outcome: "OUT_OF_STOCK" })).toBe(1);
      expect(sumOf(samples, "stockroom_http_requests_total", { route: "/api/orders", status: "201" })).toBe(21);
      // Neither worker has a Redis client: the minimum over workers is 0.
      expect(sumOf(samples, "stockroom_redis_up")).toBe(0);
    }
    expect(own).toEqual(new Set([3, 5]));
    expect(servedBy).toEqual(new Set(["0", "1"]));
  });
});
