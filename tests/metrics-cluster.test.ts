import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExposition, sumOf } from "./support/prometheus";
import { makeSkus, makeShopper, fillCart } from "./support/fixtures";

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

describe("metrics with two bare worker processes on one port", () => {
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

/**
 * The production launcher (`npm start` = scripts/start.mjs) with two `next start` workers from the
 * production build the fault tests use (scripts/test.sh builds it first).
 */
describe("metrics through npm start with WEB_CONCURRENCY=2", () => {
  const LAUNCHER_PORT = PORT + 4;
  const launcherBase = `http://127.0.0.1:${LAUNCHER_PORT}`;
  const TOKEN = "cluster-metrics-token-0123456789";
  let launcher: ChildProcess | undefined;
  let output = "";

  /** A request on `agent`'s one keep-alive socket (so on one worker), or on a new connection. */
  function call(method: string, path: string, { agent, headers = {}, body }: { agent?: http.Agent; headers?: Record<string, string>; body?: unknown } = {}) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(`${launcherBase}${path}`, { method, agent: agent ?? false, headers: { ...headers, ...(payload ? { "content-type": "application/json" } : {}) } }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  const distDir = process.env.NEXT_DIST_DIR ?? ".next-test";

  beforeAll(async () => {
    if (!existsSync(path.join(import.meta.dirname, "..", distDir, "BUILD_ID"))) {
      throw new Error(`No production build in ${distDir}: run \`NEXT_DIST_DIR=${distDir} npx next build\` (scripts/test.sh does)`);
    }
    const { NODE_OPTIONS: _drop, ...rest } = process.env;
    launcher = spawn(process.execPath, [path.join(import.meta.dirname, "../scripts/start.mjs"), "-p", String(LAUNCHER_PORT), "-H", "127.0.0.1"], {
      cwd: path.join(import.meta.dirname, ".."),
      env: {
        ...rest,
        NODE_ENV: "production",
        NEXT_DIST_DIR: distDir,
        NEXT_TELEMETRY_DISABLED: "1",
        WEB_CONCURRENCY: "2",
        METRICS_TOKEN: TOKEN,
        SWEEP_INTERVAL: "0",
        LOG_LEVEL: "warn",
        STOCKROOM_CLUSTER_METRICS: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    launcher.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    launcher.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 45_000;
    for (;;) {
      const alive = await call("GET", "/api/health").then(
        (r) => (r.status === 200 ? ((JSON.parse(r.text) as { pool?: { alive?: number } }).pool?.alive ?? 0) : 0),
        () => 0,
      );
      if (alive === 2) break;
      if (launcher.exitCode !== null || Date.now() > deadline) throw new Error(`the launcher did not get 2 workers serving: ${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    if (!launcher || launcher.exitCode !== null) return;
    const gone = new Promise((r) => launcher!.once("exit", r));
    launcher.kill("SIGTERM");
    await gone;
  });

  it("starts each worker with V8's young generation at 64 MB semi-spaces (scripts/start.mjs)", () => {
    const pid = launcher!.pid!;
    const workers = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).map(Number);
    const nodeOptions = (p: number) => readFileSync(`/proc/${p}/environ`, "utf8").split("\0").find((v) => v.startsWith("NODE_OPTIONS="));
    expect(workers).toHaveLength(2);
    for (const w of workers) expect(nodeOptions(w)).toBe("NODE_OPTIONS=--max-semi-space-size=64");
    expect(nodeOptions(pid)).toBeUndefined();
  });

  it("orders served by both workers all show in every scrape, whichever worker answers it", async () => {
    // One keep-alive socket per worker, told apart by the pid /api/health reports.
    const byWorker = new Map<number, http.Agent>();
    for (let i = 0; i < 20 && byWorker.size < 2; i++) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const { pool } = JSON.parse((await call("GET", "/api/health", { agent })).text) as { pool: { worker: number } };
      if (byWorker.has(pool.worker)) agent.destroy();
      else byWorker.set(pool.worker, agent);
    }
    expect(byWorker.size).toBe(2);

    const scrape = async () => {
      const res = await call("GET", "/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      return parseExposition(res.text);
    };
    const before = await scrape();

    const [skuId] = await makeSkus([100]);
    for (const agent of byWorker.values()) {
      for (let n = 0; n < 3; n++) {
        const buyer = await makeShopper();
        await fillCart(buyer, [{ skuId: skuId!, count: 1 }]);
        const res = await call("POST", "/api/orders", {
          agent,
          headers: { cookie: buyer.cookie, "idempotency-key": randomUUID() },
          body: { addressId: buyer.addressId, payMethod: "cod" },
        });
        expect(res.status).toBe(201);
      }
    }
    const empty = await makeShopper();
    const [first] = byWorker.values();
    expect((await call("POST", "/api/orders", { agent: first, headers: { cookie: empty.cookie, "idempotency-key": randomUUID() }, body: { addressId: empty.addressId, payMethod: "cod" } })).status).toBe(400);
    for (const agent of byWorker.values()) agent.destroy();

    for (let i = 0; i < 4; i++) {
      const after = await scrape();
      const moved = (name: string, labels: Record<string, string>) => sumOf(after, name, labels) - sumOf(before, name, labels);
      expect(moved("stockroom_checkouts_total", { outcome: "created" })).toBe(6);
      expect(moved("stockroom_checkouts_total", { outcome: "EMPTY_CART" })).toBe(1);
      expect(moved("stockroom_http_requests_total", { route: "/api/orders", method: "POST", status: "201" })).toBe(6);
      // Both workers connected to Redis; the pool gauges are summed over both.
      expect(sumOf(after, "stockroom_redis_up")).toBe(1);
      expect(sumOf(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    }
  });
});
