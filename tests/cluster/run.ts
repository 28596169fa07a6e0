/**
 * Scale-out race (issue 9), run by `npm run test:cluster` inside scripts/cluster-rig.sh:
 * three `next start` processes from one build, all on the rig's Redis Cluster, race through
 * POST /api/orders (and a few through the checkout server action, page from one process and
 * submit to another). Twice: multi-writer (each process on its own Galera node) and
 * single-writer (all three through node 1). The hot SKU's units sit at two locations, so winners
 * drain the first and then split over both. After each race every node is checked with
 * wsrep_sync_wait=1. Exits 1 on any broken invariant or unexpected status (a 500, say).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import mysql from "mysql2/promise";
import { closeDb } from "@/db";
import { recreateDatabase } from "@/db/migrate";
import { cartKeys, userOwner } from "@/lib/cart/store";
import type { Cluster } from "ioredis";
import { closeRedis, getRedis } from "@/lib/platform/redis";
import { findCheckoutAction, submitCheckout } from "../support/checkout-action";
import { fillCart, makeLocation, makeShoppers, makeSkus, spreadStock, stockAt, type Line, type Shopper } from "../support/fixtures";
import { healthy, waitUntilServing } from "../support/health";
import { HttpClient } from "../support/http";
import { TEST_METRICS_TOKEN, checkoutMetricsFrom, metricsSince } from "../support/prometheus";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const LOG_DIR = path.join(ROOT, "artifacts/cluster");
const DIST_DIR = process.env.NEXT_DIST_DIR ?? ".next-cluster";

const SQL_PORTS = [4306, 4307, 4308];
const APP_PORTS = [3501, 3502, 3503];
const REDIS_NODES = process.env.REDIS_CLUSTER_NODES ?? "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003";
const DB_NAME = "stockroom_cluster";
const nodeUrl = (port: number) => `mysql://root@127.0.0.1:${port}/${DB_NAME}`;

const HOT_BUYERS = 300;
const HOT_STOCK = 100;
// The hot SKU's units over two locations (issue 28): the migration's first location (priority 1)
// holds the first share, a second one (priority 2) the rest, so winners drain the first, then split.
const HOT_AT = [60, 40];
const PAIR_BUYERS = 50; // two-line orders over two scarce SKUs
const PAIR_STOCK = [30, 20];
const ACTION_BUYERS = 6; // of the pair buyers, these use the server action across processes
const MAX_ATTEMPTS = process.env.CLUSTER_CHECKOUT_MAX_ATTEMPTS ?? "10";
// The default strategy (batched: one combiner per process, batches ordered by the row locks) and
// the one-order-per-transaction baseline, unless CHECKOUT_STRATEGY picks one.
const STRATEGIES = process.env.CHECKOUT_STRATEGY ? [process.env.CHECKOUT_STRATEGY] : ["batched", "conditional"];

const secret = randomBytes(32).toString("hex");
// Server actions across processes: every process must use the same key (base64, 32 bytes).
const actionKey = process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY ?? randomBytes(32).toString("base64");
// This process creates sessions with the servers' secret and writes through node 1.
Object.assign(process.env, { DATABASE_URL: nodeUrl(SQL_PORTS[0]!), REDIS_CLUSTER_NODES: REDIS_NODES, SESSION_SECRET: secret, NODE_ENV: "production" });

const say = (s: string) => process.stdout.write(`[cluster] ${s}\n`);

// ---------------------------------------------------------------- app processes

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const appUrl = (port: number) => new URL(`http://127.0.0.1:${port}`);

async function startApp(port: number, databaseUrl: string, strategy: string, label: string): Promise<ChildProcess> {
  if (await healthy(appUrl(port))) throw new Error(`something already answers on :${port}`);
  const logFile = path.join(LOG_DIR, `${label}.log`);
  const out = createWriteStream(logFile);
  const { NODE_OPTIONS: _tsx, ...parentEnv } = process.env;
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...parentEnv,
      NODE_ENV: "production",
      NEXT_DIST_DIR: DIST_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      REDIS_CLUSTER_NODES: REDIS_NODES,
      SESSION_SECRET: secret,
      NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: actionKey,
      CHECKOUT_MAX_ATTEMPTS: MAX_ATTEMPTS,
      CHECKOUT_STRATEGY: strategy,
      BENCH_METRICS: "1",
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      LOG_LEVEL: "warn",
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  live.add(child);
  child.once("exit", () => live.delete(child));
  try {
    await waitUntilServing(appUrl(port), { ms: 90_000, exited: () => child.exitCode !== null });
  } catch (e) {
    child.kill("SIGKILL");
    const tail = (await readFile(logFile, "utf8").catch(() => "")).split("\n").slice(-20).join("\n");
    throw new Error(`next start on :${port} did not become healthy (${(e as Error).message}); ${logFile}:\n${tail}`);
  }
  return child;
}

async function stopApp(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------- database per node

type Snapshot = {
  skus: { id: number; stock: number; sales: number }[];
  orders: { id: string; userId: number; totalCount: number; totalAmount: string; freight: string }[];
  lines: { orderId: string; skuId: number; count: number; price: string }[];
  places: { skuId: number; locationId: number; stock: number }[];
  allocations: { orderId: string; skuId: number; locationId: number; count: number }[];
};

/** One node's committed state, read after waiting for everything the cluster already ordered. */
async function snapshot(port: number): Promise<Snapshot> {
  const c = await mysql.createConnection({ uri: nodeUrl(port), decimalNumbers: false });
  try {
    await c.query("SET SESSION wsrep_sync_wait = 1");
    const [skus] = await c.query("SELECT id, stock, sales FROM skus ORDER BY id");
    const [orders] = await c.query("SELECT id, user_id AS userId, total_count AS totalCount, total_amount AS totalAmount, freight FROM orders ORDER BY id");
    const [lines] = await c.query("SELECT order_id AS orderId, sku_id AS skuId, count, price FROM order_lines ORDER BY order_id, sku_id");
    const [places] = await c.query("SELECT sku_id AS skuId, location_id AS locationId, stock FROM sku_locations ORDER BY sku_id, location_id");
    const [allocations] = await c.query("SELECT order_id AS orderId, sku_id AS skuId, location_id AS locationId, count FROM order_line_allocations");
    return { skus, orders, lines, places, allocations } as unknown as Snapshot;
  } finally {
    await c.end();
  }
}

async function galeraCounters(port: number) {
  const c = await mysql.createConnection({ uri: `mysql://root@127.0.0.1:${port}/` });
  try {
    const [rows] = await c.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts', 'wsrep_cluster_size')");
    const m = new Map((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, Number(r.Value)]));
    return { certFailures: m.get("wsrep_local_cert_failures") ?? 0, bfAborts: m.get("wsrep_local_bf_aborts") ?? 0, size: m.get("wsrep_cluster_size") ?? 0 };
  } finally {
    await c.end();
  }
}

const cents = (s: string) => Math.round(Number(s) * 100);

// ---------------------------------------------------------------- one race

type Buyer = Shopper & { kind: "hot" | "pair"; lines: Line[]; via: "api" | "action" };
type Result = { buyer: Buyer; code: string; orderId?: string };

type Outcome = {
  mode: string;
  strategy: string;
  orders: number;
  outOfStock: number;
  busy: number;
  other: number;
  txRetries: number;
  busyMetric: number;
  certFailures: number;
  bfAborts: number;
  seconds: number;
  problems: string[];
};

async function race(mode: "multi-writer" | "single-writer", strategy: string): Promise<Outcome> {
  say(`${strategy}, ${mode}: fresh database and Redis, ${HOT_BUYERS} hot buyers (stock ${HOT_STOCK}, ${HOT_AT.join(" + ")} at two locations) + ${PAIR_BUYERS} two-line buyers (stock ${PAIR_STOCK.join(" / ")})`);
  await closeDb();
  await recreateDatabase(nodeUrl(SQL_PORTS[0]!));
  // A fresh database reuses SKU ids: carts and sold-out hints from the previous race must go too.
  await Promise.all((getRedis() as Cluster).nodes("master").map((node) => node.flushdb()));
  const [hot] = await makeSkus([HOT_STOCK], { product: "Cluster hot drop" });
  const [first] = [...(await stockAt(hot!)).keys()];
  const second = await makeLocation(2, { name: "Cluster store" });
  const hotAt = [
    { locationId: first!, stock: HOT_AT[0]! },
    { locationId: second, stock: HOT_AT[1]! },
  ];
  await spreadStock(hot!, hotAt);
  const pair = await makeSkus(PAIR_STOCK, { product: "Cluster scarce pair" });
  const start = new Map<number, number>([[hot!, HOT_STOCK], ...pair.map((id, i) => [id, PAIR_STOCK[i]!] as [number, number])]);
  const shoppers = await makeShoppers(HOT_BUYERS + PAIR_BUYERS, { prefix: `c${mode[0]}` });
  const buyers: Buyer[] = shoppers.map((s, i) =>
    i < HOT_BUYERS
      ? { ...s, kind: "hot", lines: [{ skuId: hot!, count: 1 }], via: "api" }
      : { ...s, kind: "pair", lines: pair.map((skuId) => ({ skuId, count: 1 })), via: i - HOT_BUYERS < ACTION_BUYERS ? "action" : "api" },
  );
  await Promise.all(buyers.map((b) => fillCart(b, b.lines)));

  const apps = await Promise.all(
    APP_PORTS.map((port, i) => startApp(port, nodeUrl(mode === "multi-writer" ? SQL_PORTS[i]! : SQL_PORTS[0]!), strategy, `${strategy}-${mode}-app${i + 1}`)),
  );
  const clients = APP_PORTS.map((port) => new HttpClient(new URL(`http://127.0.0.1:${port}`), 128));
  const problems: string[] = [];
  try {
    // Server actions across processes: the checkout page (and its action id and hidden inputs)
    // comes from one process, the submit goes to the next one.
    const actionBuyers = buyers.filter((b) => b.via === "action");
    const actions = await Promise.all(actionBuyers.map((b, i) => findCheckoutAction(clients[i % 3]!, b)));
    // Warm each process's checkout route (first requests load code), then zero its counters.
    await Promise.all(clients.map((c) => c.request("POST", "/api/orders", { cookie: buyers[0]!.cookie, "content-type": "application/json" }, "{}")));
    const scrape = (c: HttpClient) => c.request("GET", "/api/metrics", { authorization: `Bearer ${TEST_METRICS_TOKEN}` }).then((r) => checkoutMetricsFrom(r.body));
    const metricsBefore = await Promise.all(clients.map(scrape));
    const countersBefore = await Promise.all(SQL_PORTS.map(galeraCounters));

    const t0 = performance.now();
    const results: Result[] = await Promise.all(
      buyers.map(async (b, i): Promise<Result> => {
        const key = randomBytes(12).toString("hex");
        if (b.via === "action") {
          const j = actionBuyers.indexOf(b);
          const outcome = await submitCheckout(clients[(j + 1) % 3]!, actions[j]!, b, key);
          return { buyer: b, code: outcome.ok ? "created" : outcome.code };
        }
        const res = await clients[i % 3]!.json<{ order?: { orderId: string }; error?: { code: string } }>(
          "POST",
          "/api/orders",
          { addressId: b.addressId, payMethod: "cod" },
          { cookie: b.cookie, "idempotency-key": key },
        );
        if (res.status === 201) return { buyer: b, code: "created", orderId: res.data.order?.orderId };
        return { buyer: b, code: `${res.status} ${res.data?.error?.code ?? "?"}` };
      }),
    );
    const seconds = (performance.now() - t0) / 1000;

    const metrics = (await Promise.all(clients.map(scrape))).map((after, i) => metricsSince(metricsBefore[i]!, after));
    const countersAfter = await Promise.all(SQL_PORTS.map(galeraCounters));

    // ---- responses
    const isOos = (r: Result) => r.code === "409 OUT_OF_STOCK" || r.code === "200 OUT_OF_STOCK";
    const isBusy = (r: Result) => r.code === "503 BUSY" || r.code === "200 BUSY";
    const created = results.filter((r) => r.code === "created");
    const unexpected = results.filter((r) => r.code !== "created" && !isOos(r) && !isBusy(r));
    for (const [code, n] of count(unexpected.map((r) => `${r.buyer.via} ${r.code}`))) problems.push(`${n} buyers got ${code} (only created, OUT_OF_STOCK or BUSY are allowed)`);

    // ---- every node, after wsrep_sync_wait
    const snaps = await Promise.all(SQL_PORTS.map(snapshot));
    const digests = snaps.map((s) => createHash("sha256").update(JSON.stringify(s)).digest("hex").slice(0, 12));
    if (new Set(digests).size !== 1) problems.push(`nodes differ: ${SQL_PORTS.map((p, i) => `${p}=${digests[i]}`).join(" ")}`);
    snaps.forEach((snap, n) => {
      for (const p of checkNode(snap, start, buyers, created, results.some((r) => r.buyer.kind === "hot" && isOos(r)), hot!, hotAt)) problems.push(`node ${SQL_PORTS[n]}: ${p}`);
    });

    // ---- carts on the Redis Cluster: winners' lines taken off, losers' left alone
    const redis = getRedis();
    const cartSizes = await Promise.all(results.map((r) => redis.hlen(cartKeys(userOwner(r.buyer.id)).items)));
    const badCarts = results.filter((r, i) => (r.code === "created" ? cartSizes[i] !== 0 : cartSizes[i] !== r.buyer.lines.length)).length;
    if (badCarts > 0) problems.push(`${badCarts} carts not as expected after checkout (winners emptied, losers untouched)`);

    return {
      mode,
      strategy,
      orders: created.length,
      outOfStock: results.filter(isOos).length,
      busy: results.filter(isBusy).length,
      other: unexpected.length,
      txRetries: metrics.reduce((n, m) => n + m.txRetries, 0),
      busyMetric: metrics.reduce((n, m) => n + m.busy, 0),
      certFailures: countersAfter.reduce((n, c, i) => n + c.certFailures - countersBefore[i]!.certFailures, 0),
      bfAborts: countersAfter.reduce((n, c, i) => n + c.bfAborts - countersBefore[i]!.bfAborts, 0),
      seconds,
      problems,
    };
  } finally {
    for (const c of clients) c.close();
    await Promise.all(apps.map(stopApp));
  }
}

function count(xs: string[]) {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** The invariants on one node's snapshot. */
function checkNode(
  snap: Snapshot,
  start: Map<number, number>,
  buyers: Buyer[],
  created: Result[],
  hotSoldOutSeen: boolean,
  hot: number,
  hotAt: { locationId: number; stock: number }[],
): string[] {
  const problems: string[] = [];
  // Per location: never below zero, and what is left + what orders took = what was there.
  const hotTaken = (locationId: number) => snap.allocations.filter((a) => Number(a.skuId) === hot && Number(a.locationId) === locationId).reduce((n, a) => n + Number(a.count), 0);
  for (const { locationId, stock: initial } of hotAt) {
    const left = Number(snap.places.find((p) => Number(p.skuId) === hot && Number(p.locationId) === locationId)?.stock ?? NaN);
    if (!(left >= 0)) problems.push(`hot SKU at location ${locationId}: stock ${left}`);
    if (left + hotTaken(locationId) !== initial) problems.push(`hot SKU at location ${locationId}: ${left} left + ${hotTaken(locationId)} allocated != ${initial}`);
  }
  // Priority order: the second location gives units only once the first is drained.
  const [firstAt, secondAt] = hotAt;
  if (hotTaken(secondAt!.locationId) > 0 && hotTaken(firstAt!.locationId) !== firstAt!.stock) problems.push(`hot SKU: the second location gave units while the first still had ${firstAt!.stock - hotTaken(firstAt!.locationId)}`);
  // Every line's allocations add up to its count.
  for (const l of snap.lines) {
    const allocated = snap.allocations.filter((a) => a.orderId === l.orderId && Number(a.skuId) === Number(l.skuId)).reduce((n, a) => n + Number(a.count), 0);
    if (allocated !== Number(l.count)) problems.push(`order ${l.orderId} SKU ${l.skuId}: ${allocated} units allocated for a line of ${l.count}`);
  }
  const sold = new Map<number, number>();
  for (const l of snap.lines) sold.set(Number(l.skuId), (sold.get(Number(l.skuId)) ?? 0) + Number(l.count));
  for (const [id, initial] of start) {
    const s = snap.skus.find((r) => Number(r.id) === id);
    if (!s) {
      problems.push(`SKU ${id} missing`);
      continue;
    }
    const [stock, sales] = [Number(s.stock), Number(s.sales)];
    if (sales > initial) problems.push(`SKU ${id} oversold: ${sales} of ${initial}`);
    if (stock < 0) problems.push(`SKU ${id} negative stock ${stock}`);
    if (stock + sales !== initial) problems.push(`SKU ${id}: stock ${stock} + sales ${sales} != ${initial}`);
    if (sales !== (sold.get(id) ?? 0)) problems.push(`SKU ${id}: sales ${sales} != units in order lines ${sold.get(id) ?? 0}`);
    // Stock only goes down in this race, so a sold-out answer means it really reached zero.
    if (id === hot && hotSoldOutSeen && stock !== 0) problems.push(`hot SKU answered OUT_OF_STOCK but ${stock} units are left`);
  }
  // Orders = successful responses: no lost commit, no phantom.
  const byUser = new Map(buyers.map((b) => [b.id, b]));
  const winners = new Set(created.map((r) => r.buyer.id));
  const orderUsers = snap.orders.map((o) => Number(o.userId));
  if (snap.orders.length !== created.length) problems.push(`${snap.orders.length} orders stored but ${created.length} buyers were told "created"`);
  const lost = [...winners].filter((u) => !orderUsers.includes(u));
  if (lost.length) problems.push(`${lost.length} buyers told "created" have no order (lost commit)`);
  const phantom = orderUsers.filter((u) => !winners.has(u));
  if (phantom.length) problems.push(`${phantom.length} orders for buyers who were not told "created" (phantom)`);
  if (new Set(orderUsers).size !== orderUsers.length) problems.push("a buyer has more than one order");
  const ids = new Set(snap.orders.map((o) => o.id));
  const missing = created.filter((r) => r.orderId && !ids.has(r.orderId)).length;
  if (missing) problems.push(`${missing} order ids answered with 201 are not stored`);
  // Every order whole: exactly the buyer's cart lines, totals = lines + freight.
  for (const o of snap.orders) {
    const lines = snap.lines.filter((l) => l.orderId === o.id);
    const want = byUser.get(Number(o.userId))?.lines ?? [];
    const got = lines.map((l) => `${l.skuId}x${l.count}`).sort().join(",");
    const expected = want.map((l) => `${l.skuId}x${l.count}`).sort().join(",");
    if (got !== expected) problems.push(`order ${o.id} has lines ${got || "none"}, cart was ${expected}`);
    const amount = lines.reduce((n, l) => n + cents(l.price) * Number(l.count), 0) + cents(o.freight);
    if (amount !== cents(o.totalAmount) || Number(o.totalCount) !== lines.reduce((n, l) => n + Number(l.count), 0)) problems.push(`order ${o.id}: totals do not match its lines`);
  }
  return problems;
}

// ---------------------------------------------------------------- main

async function main() {
  await mkdir(LOG_DIR, { recursive: true });
  const sizes = await Promise.all(SQL_PORTS.map(galeraCounters));
  if (sizes.some((s) => s.size !== 3)) throw new Error(`Galera is not a 3-node cluster: ${sizes.map((s) => s.size).join(",")}`);
  const t0 = performance.now();
  const outcomes: Outcome[] = [];
  for (const strategy of STRATEGIES) for (const mode of ["multi-writer", "single-writer"] as const) outcomes.push(await race(mode, strategy));

  const rows = outcomes.map((o) => [
    o.strategy,
    o.mode,
    o.orders,
    o.outOfStock,
    o.busy,
    o.other,
    o.txRetries,
    o.certFailures + o.bfAborts,
    `${o.certFailures}/${o.bfAborts}`,
    (o.orders / o.seconds).toFixed(1),
    o.seconds.toFixed(2),
    o.problems.length === 0 ? "all hold" : `${o.problems.length} broken`,
  ]);
  const head = ["strategy", "mode", "orders", "out of stock", "busy", "other", "1213/1205 retries", "galera aborts", "cert/bf", "orders/s", "race s", "invariants"];
  console.log(`\n${HOT_BUYERS} buyers for ${HOT_STOCK} units + ${PAIR_BUYERS} two-line buyers (${ACTION_BUYERS} via the server action across processes); 3 app processes; CHECKOUT_MAX_ATTEMPTS=${MAX_ATTEMPTS}\n`);
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => "---").join("|")}|\n${rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}\n`);
  console.log("Invariants checked on each of the 3 nodes (wsrep_sync_wait=1): no oversell, stock + sales conserved, sales = units in order lines,");
  console.log("orders = buyers told created (no lost commit, no phantom, one order per buyer), every order has exactly its cart lines and totals,");
  console.log("all nodes identical, no OUT_OF_STOCK while stock remained, winners' Redis carts emptied and losers' untouched, no status besides created/OUT_OF_STOCK/BUSY.");
  console.log(`Total ${((performance.now() - t0) / 1000).toFixed(1)} s; server logs in ${path.relative(ROOT, LOG_DIR)}/\n`);
  const broken = outcomes.flatMap((o) => o.problems.map((p) => `${o.strategy} ${o.mode}: ${p}`));
  for (const p of broken.slice(0, 40)) console.log(`BROKEN ${p}`);
  return broken.length === 0;
}

main()
  .then(async (ok) => {
    await closeDb();
    await closeRedis();
    process.exit(ok ? 0 : 1);
  })
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
