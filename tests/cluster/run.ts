/**
 * Scale-out race (issue 9), run by `npm run test:cluster` inside scripts/cluster-rig.sh:
 * three `next start` processes from one build behind the front (scripts/front.sh), all on the
 * rig's Redis Cluster, race through POST /api/orders (and a few through the checkout server
 * action, page from one process and submit to another). Twice: multi-writer (HAProxy spreads
 * the connections over every Synced Galera node) and single-writer (HAProxy sends them all to
 * node 1). The hot SKU's units sit at two locations, so winners drain the first and then split
 * over both. After each race every node is checked with wsrep_sync_wait=1. Exits 1 on any broken
 * invariant or unexpected status (a 500, say). The fault races are tests/cluster/faults.ts.
 */
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { closeDb } from "@/db";
import { recreateDatabase } from "@/db/migrate";
import { cartKeys, userOwner } from "@/lib/cart/store";
import { getRedis } from "@/lib/platform/redis";
import { findCheckoutAction, submitCheckout } from "../support/checkout-action";
import { fillCart, makeLocation, makeShoppers, makeSkus, spreadStock, stockAt, type Line, type Shopper } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { TEST_METRICS_TOKEN, checkoutMetricsFrom, metricsSince } from "../support/prometheus";
import {
  APP_PORTS,
  HAPROXY,
  LOG_DIR,
  ROOT,
  SQL_PORTS,
  appUrl,
  cents,
  count,
  digest,
  frontUrl,
  flushRedisCluster,
  galeraCounters,
  nodeUrl,
  say,
  snapshot,
  startApp,
  startFront,
  stopApp,
  stopFront,
  reportBroken,
  runRaces,
  type Snapshot,
  type WriterMode,
} from "./rig";

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

async function race(mode: WriterMode, strategy: string): Promise<Outcome> {
  say(`${strategy}, ${mode}: fresh database and Redis, ${HOT_BUYERS} hot buyers (stock ${HOT_STOCK}, ${HOT_AT.join(" + ")} at two locations) + ${PAIR_BUYERS} two-line buyers (stock ${PAIR_STOCK.join(" / ")})`);
  await closeDb();
  await recreateDatabase(nodeUrl(HAPROXY["single-writer"]));
  await flushRedisCluster();
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

  const apps = await Promise.all(APP_PORTS.map((port, i) => startApp(port, nodeUrl(HAPROXY[mode]), strategy, `${strategy}-${mode}-app${i + 1}`)));
  // Shoppers come through the front; the server-action buyers and the metrics go to each app.
  const front = new HttpClient(frontUrl, 256);
  const clients = APP_PORTS.map((port) => new HttpClient(appUrl(port), 128));
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
      buyers.map(async (b): Promise<Result> => {
        const key = randomBytes(12).toString("hex");
        if (b.via === "action") {
          const j = actionBuyers.indexOf(b);
          const outcome = await submitCheckout(clients[(j + 1) % 3]!, actions[j]!, b, key);
          return { buyer: b, code: outcome.ok ? "created" : outcome.code };
        }
        const res = await front.json<{ order?: { orderId: string }; error?: { code: string } }>(
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
    const digests = snaps.map(digest);
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
    for (const c of [front, ...clients]) c.close();
    await Promise.all(apps.map(stopApp));
  }
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
  const front = await startFront();
  const t0 = performance.now();
  const outcomes: Outcome[] = [];
  for (const strategy of STRATEGIES) for (const mode of ["multi-writer", "single-writer"] as const) outcomes.push(await race(mode, strategy));
  await stopFront(front);

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
  console.log(`\n${HOT_BUYERS} buyers for ${HOT_STOCK} units + ${PAIR_BUYERS} two-line buyers (${ACTION_BUYERS} via the server action across processes); 3 app processes behind the front, Galera through HAProxy; CHECKOUT_MAX_ATTEMPTS=${MAX_ATTEMPTS}\n`);
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => "---").join("|")}|\n${rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}\n`);
  console.log("Invariants checked on each of the 3 nodes (wsrep_sync_wait=1): no oversell, stock + sales conserved, sales = units in order lines,");
  console.log("orders = buyers told created (no lost commit, no phantom, one order per buyer), every order has exactly its cart lines and totals,");
  console.log("all nodes identical, no OUT_OF_STOCK while stock remained, winners' Redis carts emptied and losers' untouched, no status besides created/OUT_OF_STOCK/BUSY.");
  console.log(`Total ${((performance.now() - t0) / 1000).toFixed(1)} s; server logs in ${path.relative(ROOT, LOG_DIR)}/\n`);
  const broken = outcomes.flatMap((o) => o.problems.map((p) => `${o.strategy} ${o.mode}: ${p}`));
  return reportBroken(broken);
}

runRaces(main);
