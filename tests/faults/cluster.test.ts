import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/db";
import { findCheckoutAction, submitCheckout } from "../support/checkout-action";
import { fillCart, makeShoppers, makeSkus, snapshotSkus, type Shopper } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { waitFor } from "../support/wait";
import { call, checkout } from "./client";
import { checkoutsUnderway, faultStack, invariantViolations, orderCount, stockAtStart, type FaultStack } from "./stack";
import { AppServer, DIST_DIR, PORTS, ROOT, waitForExit } from "./services";

/**
 * Two workers under the production launcher (scripts/start.mjs, WEB_CONCURRENCY=2) on one port
 * and one database. Which worker answers is read from /api/health (`pool.worker`, its pid) over
 * a connection of its own: the primary hands each new connection to a worker, and keep-alive
 * keeps later requests on that connection with the same worker.
 */

type Pool = { worker: number; size: number; alive: number; restarts: number };

async function poolOf(client: HttpClient): Promise<Pool> {
  const a = await call(client, "GET", "/api/health");
  expect(a.status).toBe(200);
  return a.body.pool as Pool;
}

/** One keep-alive connection and the worker it landed on. */
async function connection(server: AppServer): Promise<{ client: HttpClient; worker: number }> {
  const client = new HttpClient(server.base, 1);
  return { client, worker: (await poolOf(client)).worker };
}

/** `perWorker` connections on each of the pool's workers (new connections go round the workers). */
async function connectionsOnEachWorker(server: AppServer, perWorker: number) {
  const byWorker = new Map<number, HttpClient[]>();
  const spare: HttpClient[] = [];
  for (let i = 0; i < 12 * perWorker && (byWorker.size < server.workers || [...byWorker.values()].some((l) => l.length < perWorker)); i++) {
    const { client, worker } = await connection(server);
    const list = byWorker.get(worker) ?? [];
    if (list.length < perWorker) list.push(client);
    else spare.push(client);
    byWorker.set(worker, list);
  }
  for (const c of spare) c.close();
  expect(byWorker.size).toBe(server.workers);
  return byWorker;
}

async function abortedCounts(): Promise<Record<string, number>> {
  const [rows] = await getPool().query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Aborted_clients', 'Aborted_connects')");
  return Object.fromEntries((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, Number(r.Value)]));
}

const checkoutPids = (server: AppServer) => new Set(server.logs().filter((l) => l.msg === "checkout").map((l) => Number(l.pid)));

describe("two workers under the launcher, one database", () => {
  let stack: FaultStack;
  let server: AppServer;
  /** stock + sales of every SKU when it was created (before any order). */
  const start = new Map<number, number>();
  const newSkus = async (product: string, stocks: number[]) => {
    const ids = await makeSkus(stocks, { product });
    for (const [id, units] of await stockAtStart()) if (!start.has(id)) start.set(id, units);
    return ids;
  };

  const serve = async (strategy: string) => {
    await server?.stop();
    // Through the proxy (passing everything until the SIGTERM test holds COMMITs).
    server = new AppServer(PORTS.server, { DATABASE_URL: stack.mariadb.url("stockroom_faults", PORTS.proxy), REDIS_URL: stack.redis.url, WEB_CONCURRENCY: "2", CHECKOUT_STRATEGY: strategy });
    await server.start();
  };

  beforeAll(async () => {
    stack = await faultStack({ startServer: false, proxy: true });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await stack?.stop();
  });

  for (const strategy of ["batched", "conditional"]) {
    it(`${strategy}: 120 shoppers on both workers race for 40 units of one SKU; exactly 40 sold, stock conserved`, async () => {
      await serve(strategy);
      const [sku] = await newSkus(`Cluster race ${strategy}`, [40]);
      const shoppers = await makeShoppers(120, { prefix: `race-${strategy}-` });
      for (const s of shoppers) await fillCart(s, [{ skuId: sku!, count: 1 }]);

      const client = new HttpClient(server.base, 64);
      const answers = await Promise.all(shoppers.map((s) => checkout(client, s)));
      client.close();

      const byStatus: Record<string, number> = {};
      for (const a of answers) {
        const k = `${a.status} ${a.code ?? ""}`.trim();
        byStatus[k] = (byStatus[k] ?? 0) + 1;
      }
      expect(byStatus).toEqual({ "201": 40, "409 OUT_OF_STOCK": 80 });
      // Both processes took orders: the race really ran across workers.
      expect(checkoutPids(server).size).toBe(2);
      const row = (await snapshotSkus()).get(sku!)!;
      expect(row).toEqual({ stock: 0, sales: 40 });
      const [lines] = await getPool().query("SELECT COALESCE(SUM(count), 0) AS units, COUNT(DISTINCT order_id) AS orders FROM order_lines WHERE sku_id = ?", [sku]);
      const sold = (lines as { units: unknown; orders: unknown }[])[0]!;
      expect([Number(sold.units), Number(sold.orders)]).toEqual([40, 40]);
      expect(await invariantViolations(start)).toEqual([]);
    });
  }

  it("a checkout form rendered by one worker is submitted to the other (server actions across workers)", async () => {
    const [sku] = await newSkus("Cluster action", [10]);
    const [shopper] = await makeShoppers(1, { prefix: "action-" });
    await fillCart(shopper!, [{ skuId: sku!, count: 1 }]);
    const byWorker = await connectionsOnEachWorker(server, 1);
    const [[renderer, [renderClient]], [submitter, [submitClient]]] = [...byWorker] as [[number, HttpClient[]], [number, HttpClient[]]];
    const action = await findCheckoutAction(renderClient!, shopper!);
    const before = server.logs().length;
    const outcome = await submitCheckout(submitClient!, action, shopper!, randomUUID());
    expect(outcome).toEqual({ code: "200 redirect", ok: true });
    const line = server.logs().slice(before).find((l) => l.msg === "checkout");
    expect(line).toMatchObject({ outcome: "created", pid: submitter });
    expect(submitter).not.toBe(renderer);
    for (const c of byWorker.values()) for (const client of c) client.close();
  });

  it("a killed worker is restarted (logged, with backoff) and the pool keeps answering meanwhile", async () => {
    const byWorker = await connectionsOnEachWorker(server, 1);
    const [victim, survivor] = [...byWorker.keys()] as [number, number];
    for (const c of byWorker.values()) for (const client of c) client.close();

    process.kill(victim, "SIGKILL");
    await waitFor("the primary to see the worker die", () => server.logs().some((l) => l.msg === "worker died; restarting" && l.workerPid === victim), 10_000, 20);
    // From here until the replacement listens, every new connection goes to the survivor: each
    // poll asks the pool on a new connection.
    const answers: number[] = [];
    const workers = new Set<number>();
    await waitFor(
      "a replacement worker",
      async () => {
        const client = new HttpClient(server.base, 1);
        const a = await call(client, "GET", "/api/health");
        client.close();
        answers.push(a.status);
        if (a.status === 200) workers.add((a.body.pool as Pool).worker);
        return server.logs().some((l) => l.msg === "worker ready" && l.workerPid !== victim && l.workerPid !== survivor);
      },
      30_000,
      50,
    );
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((s) => s === 200)).toBe(true);
    expect(workers).not.toContain(victim);

    const died = server.logs().find((l) => l.msg === "worker died; restarting" && l.workerPid === victim)!;
    expect(died).toMatchObject({ signal: "SIGKILL", restartInMs: 500, restarts: 1 });
    // The replacement serves, checkouts included, and the pool reports itself whole again.
    const again = await connectionsOnEachWorker(server, 1);
    expect([...again.keys()]).toContain(survivor);
    expect([...again.keys()]).not.toContain(victim);
    const [sku] = await newSkus("Cluster after restart", [5]);
    const shoppers = await makeShoppers(2, { prefix: "restart-" });
    for (const [i, [, [client]]] of [...again].entries()) {
      await fillCart(shoppers[i]!, [{ skuId: sku!, count: 1 }]);
      expect((await checkout(client!, shoppers[i]!)).status).toBe(201);
      expect(await poolOf(client!)).toMatchObject({ size: 2, alive: 2, restarts: 1 });
      client!.close();
    }
  });

  it("SIGTERM drains both workers: in-flight checkouts on each finish, new requests get 503, no aborted DB connection, then the primary exits", async () => {
    // One SKU each, so the held COMMITs do not queue behind one another's row lock.
    const skuIds = await newSkus("Cluster drain", Array.from({ length: 6 }, () => 100));
    const shoppers: Shopper[] = await makeShoppers(6, { prefix: "drain-" });
    for (const [i, s] of shoppers.entries()) await fillCart(s, [{ skuId: skuIds[i]!, count: 1 }]);
    // Three connections per worker: two checkouts in flight on each, one late request on each.
    const byWorker = await connectionsOnEachWorker(server, 3);
    const aborted = await abortedCounts();
    const ordersBefore = await orderCount();
    const [[w1, c1], [w2, c2]] = [...byWorker] as [[number, HttpClient[]], [number, HttpClient[]]];

    stack.proxy!.fault = { kind: "delay", delayMs: 1_500 };
    const inFlight = [checkout(c1[0]!, shoppers[0]!), checkout(c1[1]!, shoppers[1]!), checkout(c2[0]!, shoppers[2]!), checkout(c2[1]!, shoppers[3]!)];
    // Each worker's batch (or orders) reaches COMMIT, where the proxy holds it.
    await waitFor("a COMMIT held on each worker", () => stack.proxy!.held >= 2, 15_000, 10);
    await waitFor("all four checkouts inside the workers", () => checkoutsUnderway(shoppers.slice(0, 4)), 15_000, 10);
    server.signal("SIGTERM");
    await waitFor("both workers to start draining", () => server.logs().filter((l) => l.msg === "draining before exit").length >= 2, 15_000, 10);

    const late = await Promise.all([checkout(c1[2]!, shoppers[4]!), checkout(c2[2]!, shoppers[5]!)]);
    for (const a of late) expect(a).toMatchObject({ status: 503, code: "SHUTTING_DOWN" });
    const finished = await Promise.all(inFlight);
    expect(finished.map((a) => a.status)).toEqual([201, 201, 201, 201]);

    const code = await waitForExit(server.child!, 40_000);
    for (const c of byWorker.values()) for (const client of c) client.close();
    stack.proxy!.fault = undefined;
    expect(code).toBe(143);
    const drained = server.logs().filter((l) => l.msg === "drained; exiting");
    expect(new Set(drained.map((l) => l.pid))).toEqual(new Set([w1, w2]));
    for (const l of drained) expect(l).toMatchObject({ signal: "SIGTERM", idle: true, clientsClosed: true });
    expect(server.logs().find((l) => l.msg === "all workers stopped; exiting")).toMatchObject({ exitCode: 143 });
    // Every pool said goodbye on each connection (COM_QUIT) instead of dropping it.
    expect(await abortedCounts()).toEqual(aborted);
    expect(await orderCount()).toBe(ordersBefore + 4);
    expect(await invariantViolations(start)).toEqual([]);
  });
});

describe("the launcher with a bad configuration", () => {
  it("stops with the workers' exit code instead of restarting them forever", async () => {
    const { NODE_OPTIONS: _drop, ...env } = process.env;
    const child = spawn(process.execPath, [path.join(ROOT, "scripts/start.mjs"), "-p", String(PORTS.server2), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: { ...env, NODE_ENV: "production", NEXT_DIST_DIR: DIST_DIR, WEB_CONCURRENCY: "2", DB_POOL_SIZE: "lots", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    expect(await waitForExit(child, 30_000)).toBe(1);
    expect(output).toContain("Invalid configuration: DB_POOL_SIZE");
    expect(output).toContain('"msg":"worker failed at start-up; stopping"');
    expect(output).not.toContain("worker died; restarting");
  });
});
