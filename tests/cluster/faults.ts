/**
 * Fault races (issue 27), run by `npm run test:cluster` after tests/cluster/run.ts: shoppers
 * arrive through the front at a steady pace while one node of one tier dies mid-race, for each
 * strategy:
 *   (a) the Galera node taking the writes (single writer through HAProxy) is SIGKILLed;
 *   (b) a Redis master is SIGKILLed (with a purchase limit of 1, and shoppers who try twice);
 *   (c) an app server is SIGKILLed;
 *   (d) a Galera node is frozen (SIGSTOP) for 10 s and then let go.
 * Clients behave like real ones: the same Idempotency-Key after a 5xx, a network error or a
 * timeout, with backoff, until they get a final answer. Afterwards the node comes back (Galera
 * by IST, Redis as a replica, the app server restarted) and every invariant is checked on every
 * Galera node. Prints one line per fault; exits 1 on any broken invariant.
 */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import type { Cluster } from "ioredis";
import { closeDb } from "@/db";
import { recreateDatabase } from "@/db/migrate";
import { cartKeys, userOwner } from "@/lib/cart/store";
import { getRedis } from "@/lib/platform/redis";
import { fillCart, makeShoppers, makeSkus, setSaleFields, stockAt, type Shopper } from "../support/fixtures";
import { healthy } from "../support/health";
import { HttpClient } from "../support/http";
import { sleep } from "../support/wait";
import { APP_PORTS, HAPROXY, LOG_DIR, SQL_PORTS, appUrl, cents, count, digest, flushRedisCluster, frontUrl, galeraCounters, nodeUrl, reportBroken, rig, runRaces, say, snapshot, startApp, startFront, stopApp, stopFront, type WriterMode } from "./rig";

const BUYERS = 300;
const STOCK = 150;
/** One shopper arrives every ARRIVAL_MS (6 s in all); the fault strikes at FAULT_AT_MS. */
const ARRIVAL_MS = 20;
const FAULT_AT_MS = 1_500;
const FROZEN_MS = 10_000;
/** In the purchase-limit race, these shoppers check out a second cart after their first answer. */
const REPEATERS = 60;
/** A client gives up on one try after this long and tries again with the same key. */
const TRY_TIMEOUT_MS = 10_000;
/** ...and keeps trying for this long in all before it gives up. */
const PATIENCE_MS = 120_000;
const RIG_DIR = process.env.RIG_DIR ?? "/tmp/stockroom-cluster-rig";
const STRATEGIES = process.env.CHECKOUT_STRATEGY ? [process.env.CHECKOUT_STRATEGY] : ["batched", "conditional"];

type Race = { apps: ChildProcess[]; strategy: string; buyers: Buyer[] };
type Fault = {
  id: "a" | "b" | "c" | "d";
  title: string;
  mode: WriterMode;
  limit?: number;
  /** Strikes at FAULT_AT_MS into the race; resolves when the fault is over (a frozen node let go). */
  strike(race: Race): Promise<string>;
  /** Brings the node back; says how it rejoined. */
  heal(race: Race, victim: string): Promise<string>;
};

const galeraLog = (n: number) => readFileSync(path.join(RIG_DIR, `galera${n}`, "error.log"), "utf8");
/**
 * How a Galera node's last start got the writes it missed: IST (just those writes, from a donor's
 * gcache) or SST (a full copy). MariaDB logs "SST received" either way; the rsync script says which.
 */
function rejoinedBy(n: number, logBefore: number) {
  const since = galeraLog(n).slice(logBefore);
  if (/rsync SST completed/.test(since)) return "SST (a full copy)";
  if (/IST received/.test(since)) return "IST";
  return "no state transfer";
}
const logMark = new Map<number, number>();

/** The master serving one shopper's cart (its hash tag's slot), as "port". */
async function masterOf(key: string): Promise<string> {
  const redis = getRedis() as Cluster;
  const slot = Number(await redis.cluster("KEYSLOT", key));
  const range = (await redis.cluster("SLOTS")).find(([from, to]) => slot >= from && slot <= to);
  if (!range?.[2]) throw new Error(`no master serves slot ${slot}`);
  return String(range[2][1]);
}

const FAULTS: Fault[] = [
  {
    id: "a",
    title: "the Galera node taking the writes SIGKILLed",
    mode: "single-writer",
    async strike() {
      logMark.set(1, galeraLog(1).length);
      rig("kill", "galera", "1");
      return "galera 1";
    },
    async heal() {
      rig("revive", "galera", "1");
      return `galera 1 rejoined by ${rejoinedBy(1, logMark.get(1)!)}`;
    },
  },
  {
    id: "b",
    title: "a Redis master SIGKILLed",
    mode: "multi-writer",
    limit: 1,
    async strike({ buyers }) {
      const port = await masterOf(cartKeys(userOwner(buyers[0]!.id)).items);
      rig("kill", "redis", port);
      return port;
    },
    async heal(_race, port) {
      rig("revive", "redis", port);
      return `redis :${port} rejoined as a replica`;
    },
  },
  {
    id: "c",
    title: "an app server SIGKILLed",
    mode: "multi-writer",
    async strike({ apps }) {
      // Frozen first for a moment, so it dies holding requests (and perhaps a batch's row locks)
      // rather than between two: a crash mid-checkout, not an idle server going away.
      apps[1]!.kill("SIGSTOP");
      await sleep(500);
      apps[1]!.kill("SIGKILL");
      return "app 2";
    },
    async heal({ apps, strategy }) {
      apps[1] = await startApp(APP_PORTS[1]!, nodeUrl(HAPROXY["multi-writer"]), strategy, `${strategy}-fault-c-app2-restarted`);
      // The front takes it back once its fail_timeout has passed: every app answers through it.
      const front = new HttpClient(frontUrl, 8);
      try {
        let served = 0;
        for (let i = 0; i < 40 && served < 6; i++) {
          const r = await front.request("GET", "/api/health");
          served = r.status === 200 ? served + 1 : 0;
          await sleep(250);
        }
        return served >= 6 && (await healthy(appUrl(APP_PORTS[1]!))) ? "app 2 restarted and served through the front" : "app 2 restarted but the front did not serve";
      } finally {
        front.close();
      }
    },
  },
  {
    id: "d",
    title: `a Galera node frozen (SIGSTOP) for ${FROZEN_MS / 1000} s`,
    mode: "multi-writer",
    async strike() {
      logMark.set(2, galeraLog(2).length);
      rig("pause", "galera", "2");
      await sleep(FROZEN_MS);
      rig("resume", "galera", "2");
      return "galera 2";
    },
    async heal() {
      rig("wait-synced");
      return `galera 2 rejoined by ${rejoinedBy(2, logMark.get(2)!)}`;
    },
  },
];

// ---------------------------------------------------------------- clients

type Try = { start: number; end: number; status: number; code: string };
type Buyer = Shopper & { repeat: boolean };
/** One answer: its status (0 for a network error or a timeout), a code to report, the order it names. */
type Final = { status: number; code: string; orderId?: string };
type Purchase = { buyer: Buyer; key: string; tries: Try[]; final?: Final; start: number; end: number };

const isFinal = (status: number) => status === 200 || status === 201 || status === 409 || status === 429 || (status >= 400 && status < 500);

/**
 * What a real client does: the same request again after a 503, a network error or a timeout,
 * with backoff, until a final answer or PATIENCE_MS.
 */
async function untilFinal(buyer: Buyer, key: string, t0: number, send: () => Promise<Final>): Promise<Purchase> {
  const p: Purchase = { buyer, key, tries: [], start: performance.now() - t0, end: 0 };
  for (let n = 0; performance.now() - t0 - p.start < PATIENCE_MS; n++) {
    const start = performance.now() - t0;
    const answer = await send().catch(
      (e: NodeJS.ErrnoException): Final => ({ status: 0, code: /timed out/.test(e.message) ? "timeout" : `network ${e.code ?? e.message}` }),
    );
    p.tries.push({ start, end: performance.now() - t0, status: answer.status, code: answer.code });
    if (isFinal(answer.status)) {
      p.final = answer;
      break;
    }
    await sleep(Math.min(200 * 2 ** n, 2_000) * (0.5 + Math.random()));
  }
  p.end = performance.now() - t0;
  return p;
}

/** One shopper's checkout as a real client makes it: the same key until a final answer. */
function purchase(front: HttpClient, buyer: Buyer, t0: number): Promise<Purchase> {
  const key = randomBytes(12).toString("hex");
  return untilFinal(buyer, key, t0, async () => {
    const res = await front.json<{ order?: { orderId: string }; error?: { code: string } }>(
      "POST",
      "/api/orders",
      { addressId: buyer.addressId, payMethod: "cod" },
      { cookie: buyer.cookie, "idempotency-key": key },
    );
    return { status: res.status, code: res.data?.error?.code ?? (res.data?.order ? "order" : "?"), orderId: res.data?.order?.orderId };
  });
}

/**
 * Adds a unit to the shopper's cart through the front, as a shopper would, mid-failover if need
 * be. Its answer is the second purchase's when the cart already refuses it (a 409: the limit).
 */
function addToCart(front: HttpClient, buyer: Buyer, skuId: number, t0: number): Promise<Purchase> {
  return untilFinal(buyer, "", t0, async () => {
    const res = await front.json<{ error?: { code: string } }>("POST", "/api/cart/items", { skuId, count: 1 }, { cookie: buyer.cookie });
    return { status: res.status, code: res.data?.error?.code ?? "added" };
  });
}

// ---------------------------------------------------------------- one fault race

type Report = { fault: Fault; strategy: string; line: string; problems: string[] };

async function faultRace(fault: Fault, strategy: string): Promise<Report> {
  const label = `(${fault.id}) ${fault.title} [${strategy}, ${fault.mode}${fault.limit ? `, limit ${fault.limit}` : ""}]`;
  say(`${label}: fresh database and Redis, ${BUYERS} shoppers for ${STOCK} units, one every ${ARRIVAL_MS} ms`);
  await closeDb();
  await recreateDatabase(nodeUrl(HAPROXY["single-writer"]));
  await flushRedisCluster();
  const [hot] = await makeSkus([STOCK], { product: `Fault ${fault.id} drop` });
  if (fault.limit) await setSaleFields(hot!, { perCustomerLimit: fault.limit });
  const shoppers = await makeShoppers(BUYERS, { prefix: `f${fault.id}` });
  const buyers: Buyer[] = shoppers.map((s, i) => ({ ...s, repeat: Boolean(fault.limit) && i % Math.floor(BUYERS / REPEATERS) === 0 }));
  await Promise.all(buyers.map((b) => fillCart(b, [{ skuId: hot!, count: 1 }])));
  const [location] = [...(await stockAt(hot!)).keys()];

  const apps = await Promise.all(APP_PORTS.map((port, i) => startApp(port, nodeUrl(HAPROXY[fault.mode]), strategy, `${strategy}-fault-${fault.id}-app${i + 1}`)));
  const front = new HttpClient(frontUrl, 512, TRY_TIMEOUT_MS);
  const problems: string[] = [];
  try {
    // Warm each app's checkout route (the first request loads its code).
    await Promise.all(
      APP_PORTS.map(async (port) => {
        const app = new HttpClient(appUrl(port), 1);
        await app.request("POST", "/api/orders", { cookie: buyers[0]!.cookie, "content-type": "application/json" }, "{}").finally(() => app.close());
      }),
    );
    const race: Race = { apps, strategy, buyers };

    const t0 = performance.now();
    let victim = "";
    const striking = sleep(FAULT_AT_MS).then(async () => (victim = await fault.strike(race)));
    const purchases = await Promise.all(
      buyers.map(async (b, i) => {
        await sleep(i * ARRIVAL_MS);
        const first = await purchase(front, b, t0);
        if (!b.repeat || !first.final) return [first];
        // A second cart, bought after the first answer: the limit must hold across both. Put
        // together through the front as a shopper would, mid-failover if need be.
        const added = await addToCart(front, b, hot!, t0);
        return [first, added.final?.status === 201 ? await purchase(front, b, t0) : added];
      }),
    ).then((xs) => xs.flat());
    await striking;
    const healed = await fault.heal(race, victim);
    rig("wait-synced");

    // ---- answers
    const tries = purchases.flatMap((p) => p.tries);
    const failed = tries.filter((t) => !isFinal(t.status));
    const gaveUp = purchases.filter((p) => !p.final);
    if (gaveUp.length) problems.push(`${gaveUp.length} shoppers got no final answer in ${PATIENCE_MS / 1000} s`);
    const allowed = new Set([0, 200, 201, 409, 429, 503]);
    for (const [what, n] of count(tries.filter((t) => !allowed.has(t.status)).map((t) => `${t.status} ${t.code}`))) problems.push(`${n} answers ${what} (only 201, a 200 replay, 409, 429 or 503)`);
    for (const [what, n] of count(purchases.filter((p) => p.final && ![200, 201, 409, 429].includes(p.final.status)).map((p) => `${p.final!.status} ${p.final!.code}`)))
      problems.push(`${n} shoppers ended on ${what}`);
    const successes = purchases.filter((p) => p.final && (p.final.status === 201 || p.final.status === 200));

    // ---- every Galera node, once the killed node is back
    const snaps = await Promise.all(SQL_PORTS.map(snapshot));
    const digests = snaps.map(digest);
    if (new Set(digests).size !== 1) problems.push(`nodes differ: ${SQL_PORTS.map((p, i) => `${p}=${digests[i]}`).join(" ")}`);
    snaps.forEach((snap, n) => {
      const at = `node ${SQL_PORTS[n]}`;
      const ids = new Set(snap.orders.map((o) => o.id));
      const unseen = successes.filter((p) => !p.final!.orderId || !ids.has(p.final!.orderId));
      if (unseen.length) problems.push(`${at}: ${unseen.length} orders a client was shown are missing (lost)`);
      if (snap.orders.length !== successes.length) problems.push(`${at}: ${snap.orders.length} orders stored, ${successes.length} answered 201/200 (phantom or lost)`);
      const keys = snap.orders.map((o) => `${o.userId}/${o.idempotencyKey}`);
      if (new Set(keys).size !== keys.length) problems.push(`${at}: an Idempotency-Key bought twice`);
      const carts = snap.orders.map((o) => `${o.userId}/${o.cartRevision}`);
      if (new Set(carts).size !== carts.length) problems.push(`${at}: a cart revision bought twice`);
      const sku = snap.skus.find((s) => Number(s.id) === hot);
      const sold = snap.lines.filter((l) => Number(l.skuId) === hot).reduce((n, l) => n + Number(l.count), 0);
      if (!sku || Number(sku.sales) > STOCK || Number(sku.stock) < 0) problems.push(`${at}: oversold (${sku?.sales} sold of ${STOCK}, stock ${sku?.stock})`);
      else if (Number(sku.stock) + Number(sku.sales) !== STOCK || Number(sku.sales) !== sold) problems.push(`${at}: stock ${sku.stock} + sales ${sku.sales} != ${STOCK}, or sales != ${sold} units in lines`);
      const left = snap.places.find((pl) => Number(pl.skuId) === hot && Number(pl.locationId) === location);
      const allocated = snap.allocations.filter((a) => Number(a.skuId) === hot).reduce((n, a) => n + Number(a.count), 0);
      if (!left || Number(left.stock) + allocated !== STOCK) problems.push(`${at}: location stock ${left?.stock} + ${allocated} allocated != ${STOCK}`);
      for (const o of snap.orders) {
        const lines = snap.lines.filter((l) => l.orderId === o.id);
        const amount = lines.reduce((n, l) => n + cents(l.price) * Number(l.count), 0) + cents(o.freight);
        if (lines.length !== 1 || amount !== cents(o.totalAmount)) problems.push(`${at}: order ${o.id} is not whole`);
      }
      if (fault.limit) {
        const units = new Map<number, number>();
        for (const o of snap.orders) units.set(Number(o.userId), (units.get(Number(o.userId)) ?? 0) + Number(o.totalCount));
        const over = [...units.values()].filter((u) => u > fault.limit!).length;
        if (over) problems.push(`${at}: ${over} shoppers over the limit of ${fault.limit}`);
      } else if (new Set(snap.orders.map((o) => o.userId)).size !== snap.orders.length) problems.push(`${at}: a shopper with one cart has two orders`);
    });

    // ---- a cart bought at most once, whatever Redis lost: every winner submits again, new key
    const winners = [...new Map(successes.map((p) => [p.buyer.id, p.buyer])).values()];
    const again = await Promise.all(winners.map((b) => purchase(front, { ...b, repeat: false }, performance.now())));
    const rebought = again.filter((p) => p.final && (p.final.status === 201 || p.final.status === 200));
    if (rebought.length) problems.push(`${rebought.length} winners bought their cart a second time`);
    const after = await snapshot(SQL_PORTS[0]!);
    if (after.orders.length !== successes.length) problems.push(`resubmitting winners' carts made ${after.orders.length - successes.length} new orders`);

    // ---- service
    const answers = purchases.flatMap((p) => (p.final ? [p.tries.at(-1)!.end] : [])).sort((x, y) => x - y);
    const firstFail = failed.length ? Math.min(...failed.map((t) => t.end)) : undefined;
    const lastFail = failed.length ? Math.max(...failed.map((t) => t.end)) : undefined;
    const firstServed = firstFail === undefined ? undefined : answers.find((t) => t > firstFail);
    // Shoppers arrive steadily until the last one, so a healthy shop answers all along: the
    // longest stretch from the fault on with no answer at all is time without service.
    const lastArrival = (BUYERS - 1) * ARRIVAL_MS;
    const later = answers.filter((t) => t > FAULT_AT_MS);
    const end = later.findIndex((t) => t > lastArrival);
    const window = [FAULT_AT_MS, ...(end === -1 ? later : later.slice(0, end + 1))];
    let silence = 0;
    for (let i = 1; i < window.length; i++) silence = Math.max(silence, window[i]! - window[i - 1]!);
    const waits = purchases.filter((p) => p.final).map((p) => p.end - p.start).sort((x, y) => x - y);
    const p99 = waits[Math.min(waits.length - 1, Math.floor(waits.length * 0.99))] ?? 0;
    const sec = (ms?: number) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);
    const finals = [...count(purchases.map((p) => (p.final ? `${p.final.status}${p.final.code === "order" ? "" : ` ${p.final.code}`}` : "none")))].map(([k, n]) => `${k}: ${n}`).join(", ");
    const line =
      `fault (${fault.id}) ${strategy}: ${successes.length} orders, ${tries.filter((t) => t.status === 503).length} 503s, ${tries.length - purchases.length} retries, ` +
      `${tries.filter((t) => t.status === 0).length} network errors/timeouts, p99 ${Math.round(p99)} ms, ` +
      `without service ${sec(silence)} (the longest stretch from the fault on with no answer), ` +
      `first failure -> first success ${sec(firstServed === undefined || firstFail === undefined ? undefined : firstServed - firstFail)}, ` +
      `failures for ${sec(firstFail === undefined ? undefined : lastFail! - firstFail)}, ` +
      `gave up ${gaveUp.length}; ${healed}; answers ${finals}`;
    say(line);
    return { fault, strategy, line, problems };
  } finally {
    front.close();
    await Promise.all(apps.map(stopApp));
  }
}

async function main() {
  await mkdir(LOG_DIR, { recursive: true });
  const sizes = await Promise.all(SQL_PORTS.map(galeraCounters));
  if (sizes.some((s) => s.size !== 3)) throw new Error(`Galera is not a 3-node cluster: ${sizes.map((s) => s.size).join(",")}`);
  const front = await startFront();
  const only = process.env.CLUSTER_FAULTS?.split(",");
  const reports: Report[] = [];
  for (const strategy of STRATEGIES) for (const fault of FAULTS.filter((f) => !only || only.includes(f.id))) reports.push(await faultRace(fault, strategy));
  await stopFront(front);
  console.log(`\nFault races: ${BUYERS} shoppers for ${STOCK} units through the front, one every ${ARRIVAL_MS} ms, the fault at ${FAULT_AT_MS} ms;`);
  console.log(`clients retry the same key after a 503, a network error or ${TRY_TIMEOUT_MS / 1000} s without an answer, with backoff.\n`);
  for (const r of reports) console.log(r.line);
  const broken = reports.flatMap((r) => r.problems.map((p) => `fault (${r.fault.id}) ${r.strategy}: ${p}`));
  return reportBroken(broken);
}

runRaces(main);
