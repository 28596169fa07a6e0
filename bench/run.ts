/**
 * Contention benchmark (issues 6 and 8): drives checkout with W shoppers in flight, per strategy
 * and scenario, in two modes: POST /api/orders on a production build (http), and placeOrder
 * called in this process (service). Checks the database's invariants after every cell, measures
 * the ceilings (raw one-statement UPDATE, trivial route) in the same run, and ends with the
 * acceptance targets. `npm run bench -- --help` lists the options.
 */
// First: points this process's configuration at the bench database before any lib module loads.
import { opts, secret } from "./lib/setup-env";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import Redis from "ioredis";
import { closeDb, createPool, getDb, getPool } from "@/db";
import { recreateDatabase } from "@/db/migrate";
import { seed } from "@/db/seed";
import { hashPassword } from "@/lib/auth/password";
import { closeRedis } from "@/lib/platform/redis";
import { skus } from "@/db/schema";
import { eq } from "drizzle-orm";
import { findCheckoutAction, submitCheckout, type CheckoutAction } from "@/tests/support/checkout-action";
import { CROWD, crowdMarkdown, crowdProduct, crowdVerdicts, pageCells, runViewers, type CrowdResult, type PageCell } from "./lib/crowd";
import { DROP, dropCell, dropMarkdown, type DropResult } from "./lib/drop";
import { armsOf, outboxMarkdown, setOutboxArm, type OutboxArm, type OutboxCell } from "./lib/outbox-ab";
import { fillCart, makeLocation, makeShoppers, makeSkus, spreadStock, type Line, type Shopper } from "@/tests/support/fixtures";
import { HttpClient } from "@/tests/support/http";
import { Ledger } from "./lib/invariants";
import { runLoad, type Outcome } from "./lib/load";
import { verdictLine, verdicts } from "./lib/acceptance";
import type { Mode, ScenarioName, Strategy } from "./lib/options";
import { appMainMs, appMs, pooledRatio, ratioMarkdown, type CpuRatio, type RatioRound } from "./lib/cpu-ratio";
import { compareProfileCells, summarizeProfile, type ProfiledCell } from "./lib/profile";
import { cpuPerUnit, processTree, sampleCpu, type CpuRoles } from "./lib/cpu";
import { countersPerUnit, mariadbCounters, startServices, type BenchServices } from "./lib/services";
import { describeMachine, machineMarkdown, markdown, toCell, type Cell } from "./lib/report";
import { BenchFront, BenchServer, buildServer, ROOT } from "./lib/server";
import { ServiceOrders, ServiceProcess } from "./lib/service";
import { HttpOrders, noop, type Target } from "./lib/targets";

const HOT_STOCK = 10_000_000;
const SPREAD_SKUS = 200;
// The raw ceiling opens its own connections next to three servers' pools (20 each by default);
// MariaDB's default max_connections is 151.
const RAW_MAX_CONNECTIONS = 32;
const SELLOUT_CAP_MS = 60_000;
const RESULTS = path.join(ROOT, "bench/results");

const ledger = new Ledger();
const cells: Cell[] = [];
const drops: DropResult[] = [];
const pages: PageCell[] = [];
const crowds: CrowdResult[] = [];
const profiles: string[] = [];
const ratios: CpuRatio[] = [];
const outboxCells: OutboxCell[] = [];
/** Scenarios run per W; `drop` and `crowd` run once after them. */
const perW = () => opts.scenarios.filter((s) => s !== "drop" && s !== "crowd");

async function runDrop(mode: Mode, target: Target, strategy: Strategy, shoppers: Shopper[]) {
  const result = await dropCell(mode, target, strategy, shoppers, ledger, `${mode} ${strategy} #${++cellNo}`);
  log(`  drop ${mode} ${strategy}: sold ${result.sold}/${result.stock} in ${result.sellOutMs ?? "-"} ms, over limit ${result.overLimit}, ${result.problems.length === 0 ? "ok" : result.problems.join("; ")}`);
  drops.push(result);
}
let cellNo = 0;
const log = (s: string) => process.stderr.write(`${s}\n`);

let services!: BenchServices;
/** What a cell's CPU is charged to: the app's processes, the front's where it is in the path, and MariaDB and Redis. */
const roles = (app?: () => number[], nginx?: () => number[]): CpuRoles => ({ app, nginx, mariadb: services.mariadb, redis: services.redis });
/** A launcher (or the front) and every process it started: its workers are its children. */
const tree = (child: { pid?: number }) => () => (child.pid === undefined ? [] : processTree(child.pid));

/** Runs one cell's load with every role's CPU sampled from /proc right before and right after it. */
async function sampled<P>(cpu: CpuRoles, spec: Parameters<typeof runLoad<P>>[0]) {
  // MariaDB's statement counters only say something about this bench when the server is its own.
  const counted = services.own ? await mariadbCounters() : null;
  const before = sampleCpu(cpu);
  const load = await runLoad(spec);
  const after = sampleCpu(cpu);
  const counters = counted ? await mariadbCounters() : null;
  return {
    load,
    cpu: (units: number) => ({ ...cpuPerUnit(before, after, units), ...(counted && counters ? { statements: countersPerUnit(counted, counters, units) } : {}) }),
  };
}

const cpuText = (c: Cell) => {
  const u = c.cpuMsPerUnit;
  const part = (name: string, v: number | null) => (v === null ? "" : ` ${name} ${v.toFixed(3)}`);
  return `CPU ms/${c.kind === "checkout" || c.kind === "route" || c.kind === "action" ? "order" : "request"}:${part("app", u.app)}${part("mariadb", u.mariadb)}${part("redis", u.redis)}${part("nginx", u.nginx)} = ${u.total.toFixed(3)}${u.statements ? `; MariaDB statements ${u.statements.Questions}` : ""}`;
};
/** Prints a finished cell's rate beside its CPU per unit. */
function done(c: Cell): Cell {
  const rate = c.kind === "checkout" || c.kind === "route" || c.kind === "action" ? `${c.ordersPerS} orders/s` : `${c.requestsPerS} req/s`;
  log(`    -> ${rate}, ${cpuText(c)}${c.problems.length ? `; ${c.problems.length} problem(s)` : ""}`);
  return c;
}

/** Codes a cell may answer with; anything else (500s, network errors) marks the cell failed. */
function expectedCodes(scenario: ScenarioName): Set<string> {
  return new Set(scenario === "sellout" ? ["201", "409 OUT_OF_STOCK", "503 BUSY"] : ["201", "503 BUSY"]);
}

function unexpected(outcomes: Record<string, number[]>, allowed: Set<string>): string[] {
  return Object.entries(outcomes)
    .filter(([code]) => !allowed.has(code))
    .map(([code, l]) => `${l.length} unexpected "${code}" answers`);
}

type Plan = { skus: number[]; lines: () => Line[]; total?: number; stock: number };

async function plan(scenario: ScenarioName, label: string, W: number): Promise<Plan> {
  if (scenario === "hot" || scenario === "hot3") {
    const [sku] = await makeSkus([HOT_STOCK], { product: `Bench ${label}`, category: "Bench" });
    if (scenario === "hot3") {
      // The first two locations run dry within the cell, so it crosses from one to the next (and splits lines).
      const at = [1_000, 2_000, HOT_STOCK - 3_000];
      const ids = await Promise.all(at.map((_, i) => makeLocation(i + 1, { name: `Bench ${label} L${i + 1}` })));
      await spreadStock(sku!, ids.map((locationId, i) => ({ locationId, stock: at[i]! })));
    }
    // The record's cost (DROP_RECORD=1 or 0 set for the run): the hot SKU is a drop (launched a
    // minute ago) in both arms, so with the record on every one of its seconds is recorded.
    if (process.env.DROP_RECORD !== undefined) await getDb().update(skus).set({ saleStartsAt: new Date(Date.now() - 60_000) }).where(eq(skus.id, sku!));
    return { skus: [sku!], lines: () => [{ skuId: sku!, count: 1 }], stock: HOT_STOCK };
  }
  if (scenario === "sellout") {
    const total = Math.max(opts.selloutDemand, 8 * W);
    const stock = Math.floor(total / 4);
    const [sku] = await makeSkus([stock], { product: `Bench ${label}`, category: "Bench" });
    return { skus: [sku!], lines: () => [{ skuId: sku!, count: 1 }], total, stock };
  }
  const ids = await makeSkus(Array<number>(SPREAD_SKUS).fill(HOT_STOCK), { product: `Bench ${label}`, category: "Bench" });
  return {
    skus: ids,
    stock: HOT_STOCK,
    lines: () => {
      const n = 1 + Math.floor(Math.random() * 3);
      const picked = new Set<number>();
      while (picked.size < n) picked.add(ids[Math.floor(Math.random() * ids.length)]!);
      return [...picked].map((skuId) => ({ skuId, count: 1 + Math.floor(Math.random() * 3) }));
    },
  };
}

const key = (cell: number, seq: number) => `bench.${cell}.${seq}`.padEnd(8, "0");

async function checkoutCell(mode: Mode, target: Target, strategy: Strategy, scenario: ScenarioName, W: number, shoppers: Shopper[], cpu: CpuRoles, durationS = opts.durationS): Promise<Cell> {
  const label = `${mode} ${strategy} ${scenario} W=${W}${target.workers > 1 ? ` x${target.workers}` : ""}`;
  const n = ++cellNo;
  const p = await plan(scenario, `${label} #${n}`, W);
  await ledger.record();
  const before = await ledger.mark();
  await target.resetMetrics();
  const { load, cpu: perUnit } = await sampled(cpu, {
    label,
    workers: W,
    // Sell-out cells run to their fixed demand; the cap only guards the run's length on a sick machine.
    durationMs: p.total === undefined ? durationS * 1000 : SELLOUT_CAP_MS,
    totalRequests: p.total,
    prepare: (w) => fillCart(shoppers[w]!, p.lines()),
    send: (w, _, seq) => target.order(shoppers[w]!, key(n, seq)),
  });
  const metrics = await target.readMetrics();
  const problems = [...(await ledger.check(before, load.ok)), ...unexpected(load.byCode, expectedCodes(scenario))];
  if (metrics.orders !== load.ok) problems.push(`server counted ${metrics.orders} orders, clients got ${load.ok} 201s`);
  if (scenario === "sellout" && load.ok > p.stock) problems.push(`sold ${load.ok} of ${p.stock}`);
  return done(toCell({ kind: "checkout", strategy, scenario, mode, W, workers: target.workers }, load, metrics, problems, perUnit(load.ok)));
}

/** (a) The best one statement can do on the hot row: autocommit UPDATEs from W clients, no HTTP, no order. */
async function rawCeiling(mode: Mode, W: number): Promise<Cell> {
  const n = ++cellNo;
  const [sku] = await makeSkus([HOT_STOCK], { product: `Bench raw UPDATE W=${W} #${n}`, category: "Bench" });
  await ledger.record();
  const before = await ledger.mark();
  const pool = createPool(opts.databaseUrl, Math.min(W, RAW_MAX_CONNECTIONS));
  let sold = 0;
  try {
    // No app in the path: the bench process is the client, so only MariaDB (and an idle Redis) count.
    const { load, cpu } = await sampled(roles(), {
      label: `raw UPDATE W=${W}`,
      workers: W,
      durationMs: opts.durationS * 1000,
      prepare: async () => undefined,
      send: async (): Promise<Outcome> => {
        const [result] = await pool.query("UPDATE skus SET stock = stock - 1, sales = sales + 1 WHERE id = ? AND stock >= 1", [sku]);
        const ok = (result as { affectedRows: number }).affectedRows === 1;
        if (ok) sold++;
        return { code: ok ? "updated" : "no row", ok };
      },
    });
    ledger.soldOutsideOrders.set(sku!, sold);
    const problems = [...(await ledger.check(before, 0)), ...unexpected(load.byCode, new Set(["updated"]))];
    // Filed under the mode whose cells it sits between, so each mode's ratios use a ceiling measured next to them.
    return done(toCell({ kind: "raw-update", strategy: null, scenario: "hot", mode, W }, load, null, problems, cpu(load.requests)));
  } finally {
    await pool.end();
  }
}

/**
 * (b) The HTTP and framework floor: same server, same request shape, a route that does nothing
 * (with `waitMs`, nothing but hold the request that long: the ratio slices' waiting route).
 */
async function noopCeiling(client: HttpClient, W: number, shoppers: Shopper[], workers: number, app: () => number[], durationS = opts.durationS, waitMs?: number): Promise<Cell> {
  const n = ++cellNo;
  const { load, cpu } = await sampled(roles(app), {
    label: `${waitMs === undefined ? "trivial route" : `waiting route (${waitMs} ms)`} W=${W}${workers > 1 ? ` x${workers}` : ""}`,
    workers: W,
    durationMs: durationS * 1000,
    prepare: async () => undefined,
    send: (w, _, seq) => noop(client, shoppers[w]!, key(n, seq), waitMs),
  });
  return done(toCell({ kind: "noop-route", strategy: null, scenario: "hot", mode: "http", W, workers }, load, null, unexpected(load.byCode, new Set(["200"])), cpu(load.requests)));
}

const RATIO_W = 64;

/**
 * Issue 39's HTTP ratio from alternating slices on one server, each half a cell long: trivial
 * route, checkout, waiting route, trivial route, ... (./lib/cpu-ratio.ts). The waiting route is
 * the trivial route held for the checkout slice's mean time in the server (the route's own timer,
 * from the server's metrics). The slices are not report cells. `--ratio-warm-up` seconds of the
 * same rounds go first and are not counted: until about 40 s after a server starts, V8 is still
 * compiling the request path, and more of a checkout's code than of the trivial route's
 * (docs/benchmarks.md, "Steady state"); a drop-day server is long past that.
 */
async function interleavedRatio(client: HttpClient, strategy: Strategy, server: BenchServer, workers: number, shoppers: Shopper[]): Promise<CpuRatio> {
  const sliceS = opts.durationS / 2;
  const app = tree(server.child);
  const warmUpRounds = Math.ceil(opts.ratioWarmUpS / (3 * sliceS));
  log(`\n== app CPU per checkout against the trivial route: ${warmUpRounds} untimed rounds, then ${opts.ratioRounds} rounds of ${sliceS} s slices, ${strategy}, ${workers} worker(s)`);
  const rounds: RatioRound[] = [];
  const problems: string[] = [];
  for (let i = -warmUpRounds; i < opts.ratioRounds; i++) {
    const trivial = await noopCeiling(client, RATIO_W, shoppers, workers, app, sliceS);
    const checkout = await checkoutCell("http", new HttpOrders(client, workers), strategy, "hot", RATIO_W, shoppers, roles(app), sliceS);
    const held = checkout.metrics?.orderRequests ? Math.round((checkout.metrics.orderRequestSeconds! * 1000) / checkout.metrics.orderRequests) : undefined;
    const waiting = held === undefined ? null : await noopCeiling(client, RATIO_W, shoppers, workers, app, sliceS, held);
    const label = i < 0 ? `untimed round ${i + warmUpRounds + 1}` : `round ${i + 1}`;
    problems.push(...[...trivial.problems, ...checkout.problems, ...(waiting?.problems ?? [])].map((p) => `${label}: ${p}`));
    if (i < 0) continue;
    rounds.push({
      trivialAppMs: appMs(trivial),
      requests: trivial.requests,
      checkoutAppMs: appMs(checkout),
      orders: checkout.ok,
      trivialMainMs: appMainMs(trivial),
      checkoutMainMs: appMainMs(checkout),
      ...(waiting ? { waitMs: held, waitingAppMs: appMs(waiting), waitingRequests: waiting.requests } : {}),
    });
  }
  const ratio = pooledRatio(strategy, workers, RATIO_W, sliceS, rounds, problems, warmUpRounds);
  const main = ratio.mainThread ? `; main threads ${ratio.mainThread.pooled.toFixed(2)}x` : "";
  const w = ratio.waiting;
  const waiting = w ? `; waiting ${w.heldMs.toFixed(0)} ms alone ${w.overTrivial.toFixed(2)}x, the checkout ${w.checkoutOverWaiting.toFixed(2)}x that` : "";
  log(`   -> ${ratio.pooled.toFixed(2)}x pooled (rounds ${ratio.perRound.map((r) => r.toFixed(2)).join(", ")})${main}${waiting}`);
  return ratio;
}

/** Service mode's floor: one IPC round trip to the service process that does nothing (what the channel itself costs per order). */
async function noopCall(service: ServiceProcess, W: number): Promise<Cell> {
  const { load, cpu } = await sampled(roles(() => [service.pid]), {
    label: `trivial call W=${W}`,
    workers: W,
    durationMs: opts.durationS * 1000,
    prepare: async () => undefined,
    send: async () => {
      const { code, ok } = await service.ask({ op: "noop" });
      return { code: code!, ok: ok! };
    },
  });
  return done(toCell({ kind: "noop-route", strategy: null, scenario: "hot", mode: "service", W }, load, null, unexpected(load.byCode, new Set(["200"])), cpu(load.requests)));
}

/** The checkout page's server action against the route handler, back to back on fresh hot SKUs. */
async function actionVsRoute(client: HttpClient, target: Target, strategy: Strategy, shoppers: Shopper[], app: () => number[]): Promise<void> {
  let action: CheckoutAction | undefined;
  for (const W of opts.actionConcurrency) {
    for (const kind of ["route", "action"] as const) {
      const n = ++cellNo;
      const [sku] = await makeSkus([HOT_STOCK], { product: `Bench ${kind} W=${W} #${n}`, category: "Bench" });
      await ledger.record();
      if (!action) {
        await fillCart(shoppers[0]!, [{ skuId: sku!, count: 1 }]);
        action = await findCheckoutAction(client, shoppers[0]!);
      }
      const before = await ledger.mark();
      await target.resetMetrics();
      const found = action;
      const { load, cpu } = await sampled(roles(app), {
        label: `${kind === "action" ? "server action" : "route handler"} W=${W}`,
        workers: W,
        durationMs: opts.actionDurationS * 1000,
        prepare: (w) => fillCart(shoppers[w]!, [{ skuId: sku!, count: 1 }]),
        send: (w, _, seq) => (kind === "action" ? submitCheckout(client, found, shoppers[w]!, key(n, seq)) : target.order(shoppers[w]!, key(n, seq))),
      });
      const metrics = await target.readMetrics();
      const allowed = new Set(kind === "action" ? ["200 redirect", "200 BUSY"] : ["201", "503 BUSY"]);
      const problems = [...(await ledger.check(before, load.ok)), ...unexpected(load.byCode, allowed)];
      cells.push(done(toCell({ kind, strategy, scenario: "hot", mode: "http", W, workers: target.workers }, load, metrics, problems, cpu(load.ok))));
    }
  }
}

async function profileCell(shoppers: Shopper[]): Promise<string> {
  const strategy = opts.profileStrategy;
  const W = 64;
  const dir = path.join(RESULTS, "profile");
  await mkdir(dir, { recursive: true });
  log(`\n== CPU profile of the server: ${strategy} hot W=${W}`);
  const server = await BenchServer.start(opts.port, serverEnv(strategy), { label: `${strategy}-profile`, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`], workers: opts.profileWorkers });
  const client = new HttpClient(server.url, W);
  const started = Date.now();
  const us = () => Number(process.hrtime.bigint() / 1000n);
  let checkout: ProfiledCell | undefined;
  let trivial: ProfiledCell | undefined;
  try {
    await warmUp(server, shoppers);
    // The trivial route first, on the same server: what a checkout adds to a request is the difference.
    let from = us();
    const noop = await noopCeiling(client, W, shoppers, 1, tree(server.child));
    trivial = { label: "trivial route, per request", window: [from, us()], units: noop.requests };
    from = us();
    const cell = await checkoutCell("http", new HttpOrders(client), strategy, "hot", W, shoppers, roles(tree(server.child)));
    checkout = { label: `${strategy}, per order`, window: [from, us()], units: cell.ok };
    log(`   profiled cells: the trivial route ${noop.requestsPerS} requests/s, ${strategy} ${cell.ordersPerS} orders/s, p99 ${cell.latency.p99} ms (slower than unprofiled)`);
  } finally {
    client.close();
    await server.stop();
  }
  const summary = await summarizeProfile(dir, started, checkout?.window);
  if (!checkout || !trivial) return summary;
  return `${summary}\n\nWhat a checkout adds to a request: ${await compareProfileCells(dir, started, trivial, checkout)}`;
}

/**
 * Untimed load before the first cell, so JIT, connection pools and the database's caches are
 * warm: at the largest W, for `--warm-up` seconds (3 by default). With 8 shoppers for 1 s the
 * first cell measured part of the warm-up (docs/benchmarks.md, "CPU per order"); V8 still
 * compiles for about a minute after it (docs/benchmarks.md, "Two workers, looked at again").
 */
const warmUpWorkers = () => Math.max(...opts.concurrency);

async function warmUp(server: BenchServer, shoppers: Shopper[]) {
  const W = warmUpWorkers();
  const client = new HttpClient(server.url, W);
  const target = new HttpOrders(client);
  const n = ++cellNo;
  const [sku] = await makeSkus([HOT_STOCK], { product: `Bench warm-up #${n}`, category: "Bench" });
  await ledger.record();
  try {
    await runLoad({
      label: "warm-up",
      workers: W,
      durationMs: opts.warmUpS * 1000,
      prepare: (w) => fillCart(shoppers[w]!, [{ skuId: sku!, count: 1 }]),
      send: async (w, _, seq) => {
        await noop(client, shoppers[w]!, key(n, seq));
        return target.order(shoppers[w]!, key(n, seq));
      },
    });
  } finally {
    client.close();
  }
}

function serverEnv(strategy: Strategy) {
  return { DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, SESSION_SECRET: secret, CHECKOUT_STRATEGY: strategy, CHECKOUT_RATE_LIMIT: "0" };
}

/** The service path: the same cells, placeOrder called in this process (its pool sized like a server's). */
async function runService(shoppers: Shopper[]) {
  log(`\n== service mode: placeOrder in a service process of its own, DB_POOL_SIZE=${opts.poolSize}`);
  const service = await ServiceProcess.start();
  try {
    await serviceCells(service, shoppers);
  } finally {
    await service.stop();
  }
}

async function serviceCells(service: ServiceProcess, shoppers: Shopper[]) {
  // The service process is the server: with DROP_RECORD=1 it records drops as a server's startup does.
  if ((await service.ask({ op: "recorder" })).ok) log("  the drop recorder runs in the service process (DROP_RECORD=1)");
  const app = roles(() => [service.pid]);
  for (const strategy of opts.strategies) {
    const n = ++cellNo;
    const [sku] = await makeSkus([HOT_STOCK], { product: `Bench service warm-up ${strategy} #${n}`, category: "Bench" });
    await ledger.record();
    const target = new ServiceOrders(service, strategy);
    await runLoad({
      label: `service warm-up ${strategy}`,
      workers: warmUpWorkers(),
      durationMs: opts.warmUpS * 1000,
      prepare: (w) => fillCart(shoppers[w]!, [{ skuId: sku!, count: 1 }]),
      send: (w, _, seq) => target.order(shoppers[w]!, key(n, seq)),
    });
  }
  for (const W of opts.concurrency) {
    cells.push(await rawCeiling("service", W));
    cells.push(await noopCall(service, W));
    for (const scenario of perW()) {
      for (const strategy of opts.strategies) cells.push(await checkoutCell("service", new ServiceOrders(service, strategy), strategy, scenario, W, shoppers, app));
    }
  }
  if (opts.scenarios.includes("drop")) for (const strategy of opts.strategies) await runDrop("service", new ServiceOrders(service, strategy), strategy, shoppers);
  if (opts.outboxAb > 0) await outboxAB(service, shoppers);
  if (opts.profile) profiles.push(`Service: the service process through hot, W=64, \`${opts.profileStrategy}\`. ${await profileServiceCell(service, shoppers)}`);
}

const OUTBOX_DROPS = 4;
const OUTBOX_SETTLE_MS = 2_000;
const OUTBOX_WINDOW_MS = 1_000;
const outboxRows = async () => Number(((await getPool().query("SELECT COUNT(*) AS n FROM mail_outbox"))[0] as { n: number }[])[0]!.n);

/** The outbox A/B (./lib/outbox-ab.ts): hot W=64 with the arm flipping every second, then rounds of drops with and without the confirmation's row. */
async function outboxAB(service: ServiceProcess, shoppers: Shopper[]) {
  const strategy = opts.strategies.includes("batched") ? "batched" : opts.strategies[0]!;
  log(`\n== the confirmation's outbox row (${strategy}): hot W=64 for ${4 * opts.outboxAb} one-second windows, the arm flipping, then ${opts.outboxAb} round(s) of drops`);
  const app = roles(() => [service.pid]);
  const target = new ServiceOrders(service, strategy);
  try {
    await interleavedHot(target, strategy, shoppers, app, 4 * opts.outboxAb);
    for (let round = 0; round < opts.outboxAb; round++) {
      for (const arm of armsOf(round)) {
        await setOutboxArm(arm, shoppers);
        // Each arm proves itself: a row per order with, none without.
        const rowsBefore = await outboxRows();
        // A drop is ~0.2 s: a few back to back, after MariaDB has flushed the previous writes
        // (its background work would otherwise land in this window), make a window /proc can resolve.
        await new Promise((r) => setTimeout(r, OUTBOX_SETTLE_MS));
        const before = sampleCpu(app);
        const dropped: DropResult[] = [];
        for (let k = 0; k < OUTBOX_DROPS; k++) dropped.push(await dropCell("service", target, strategy, shoppers, ledger, `outbox ${arm} #${++cellNo}`));
        const after = sampleCpu(app);
        const sold = dropped.reduce((a, d) => a + d.sold, 0);
        const sellOutMs = dropped.reduce((a, d) => a + (d.sellOutMs ?? 0), 0);
        const written = (await outboxRows()) - rowsBefore;
        const expected = arm === "with" ? sold : 0;
        const problems = written === expected ? [] : [`${written} outbox rows written, ${expected} expected`];
        outboxCells.push({ round, scenario: "drop", arm, orders: sold, ordersPerS: sellOutMs ? Math.round((sold / sellOutMs) * 1000) : 0, cpuMsPerUnit: cpuPerUnit(before, after, sold), problems: [...dropped.flatMap((d) => d.problems), ...problems] });
        log(`  round ${round + 1}, ${arm} the row: ${OUTBOX_DROPS} drops sold ${sold} in ${sellOutMs} ms of sell-out; outbox rows ${written}${problems.length ? ` (${problems[0]})` : ""}`);
      }
    }
  } finally {
    await setOutboxArm("with", shoppers);
  }
}

/**
 * Hot W=64 as one continuous load whose arm flips between one-second windows (with, without,
 * without, with, …: each pair's order swaps, so a steady drift cancels), CPU sampled at every
 * flip and charged, with the orders answered meanwhile, to the arm that ran. Whole cells a few
 * seconds apart differ by more than the row costs; windows a second apart do not.
 */
async function interleavedHot(target: Target, strategy: Strategy, shoppers: Shopper[], app: CpuRoles, windows: number) {
  const n = ++cellNo;
  const [sku] = await makeSkus([HOT_STOCK], { product: `Bench outbox interleaved #${n}`, category: "Bench" });
  await ledger.record();
  const before = await ledger.mark();
  const armOf = (w: number): OutboxArm => (((w + 1) >> 1) % 2 === 0 ? "with" : "without");
  let answered = 0;
  const flips = (async () => {
    await setOutboxArm(armOf(0), shoppers);
    await new Promise((r) => setTimeout(r, 1_000)); // the load warms up
    for (let w = 0; w < windows; w++) {
      const arm = armOf(w);
      const from = answered;
      const s0 = sampleCpu(app);
      await new Promise((r) => setTimeout(r, OUTBOX_WINDOW_MS));
      const s1 = sampleCpu(app);
      const orders = answered - from;
      outboxCells.push({ round: w >> 1, scenario: "hot", arm, orders, ordersPerS: Math.round((orders * 1000) / OUTBOX_WINDOW_MS), cpuMsPerUnit: cpuPerUnit(s0, s1, orders), problems: [] });
      // Between windows, outside both: the flip's own UPDATE of the shoppers' addresses.
      if (w + 1 < windows && armOf(w + 1) !== arm) await setOutboxArm(armOf(w + 1), shoppers);
    }
  })();
  const load = await runLoad({
    label: `outbox A/B: hot W=64, the arm flipping every ${OUTBOX_WINDOW_MS} ms`,
    workers: 64,
    durationMs: 1_500 + windows * (OUTBOX_WINDOW_MS + 60),
    prepare: (w) => fillCart(shoppers[w]!, [{ skuId: sku!, count: 1 }]),
    send: async (w, _, seq) => {
      const outcome = await target.order(shoppers[w]!, key(n, seq));
      if (outcome.ok) answered++;
      return outcome;
    },
  });
  await flips;
  const problems = [...(await ledger.check(before, load.ok)), ...unexpected(load.byCode, expectedCodes("hot"))];
  if (problems.length > 0) outboxCells.push({ round: -1, scenario: "hot", arm: "with", orders: 0, ordersPerS: 0, cpuMsPerUnit: { app: null, mariadb: null, redis: null, nginx: null, total: 0 }, problems });
  log(`  hot, interleaved: ${load.ok} orders in ${windows} windows${problems.length ? `; ${problems.length} problem(s)` : ""}`);
}

/**
 * Service mode's profile: the service process (placeOrder, Drizzle, mysql2, ioredis and the IPC
 * channel; the load loop that refills carts is the bench's) through one hot W=64 cell of the
 * profiled strategy, via its inspector.
 */
async function profileServiceCell(service: ServiceProcess, shoppers: Shopper[]): Promise<string> {
  const strategy = opts.profileStrategy;
  const dir = path.join(RESULTS, "profile");
  await mkdir(dir, { recursive: true });
  log(`\n== CPU profile of the service process: ${strategy} hot W=64`);
  const started = Date.now();
  await service.ask({ op: "profile-start" });
  const cell = await checkoutCell("service", new ServiceOrders(service, strategy), strategy, "hot", 64, shoppers, roles(() => [service.pid]));
  await service.ask({ op: "profile-stop", file: path.join(dir, `service-${strategy}-${started}.cpuprofile`) });
  log(`   profiled cell: ${cell.ordersPerS} orders/s, p99 ${cell.latency.p99} ms (slower than unprofiled)`);
  return summarizeProfile(dir, started, undefined, "the measured cell only (profiling started and stopped around it)");
}

/**
 * The HTTP path, at each worker count in turn: one launcher (scripts/start.mjs) per strategy
 * with that many `next start` workers, all up at once, cells interleaved; the trivial-route
 * floor at the same worker count. The raw UPDATE and the server-action comparison do not
 * depend on the workers and run at the first count only.
 */
async function runHttp(shoppers: Shopper[]) {
  for (const [round, workers] of opts.workers.entries()) {
    // Each scenario and W runs every strategy back to back, so load from anything else on the
    // machine hits them alike.
    const servers = new Map<Strategy, BenchServer>();
    try {
      for (const [i, strategy] of opts.strategies.entries()) {
        log(`\n== ${strategy}: ${workers} worker${workers === 1 ? "" : "s"} on :${opts.port + i}`);
        const server = await BenchServer.start(opts.port + i, serverEnv(strategy), { label: `${strategy}-w${workers}`, workers, poolSize: opts.poolSize });
        servers.set(strategy, server);
        await warmUp(server, shoppers);
      }
      const first = servers.get(opts.strategies[0]!)!;
      for (const W of opts.concurrency) {
        const clients = new Map([...servers].map(([s, server]) => [s, new HttpClient(server.url, W)]));
        try {
          if (round === 0) cells.push(await rawCeiling("http", W));
          cells.push(await noopCeiling(clients.get(opts.strategies[0]!)!, W, shoppers, workers, tree(first.child)));
          for (const scenario of perW()) {
            for (const strategy of opts.strategies) {
              cells.push(await checkoutCell("http", new HttpOrders(clients.get(strategy)!, workers), strategy, scenario, W, shoppers, roles(tree(servers.get(strategy)!.child))));
            }
          }
          if (W === RATIO_W && perW().includes("hot") && opts.ratioRounds > 0) {
            const strategy = opts.profileStrategy;
            const server = servers.get(strategy);
            if (server) ratios.push(await interleavedRatio(clients.get(strategy)!, strategy, server, workers, shoppers));
          }
        } finally {
          for (const c of clients.values()) c.close();
        }
      }
      if (opts.scenarios.includes("crowd")) await runCrowd(servers, workers, shoppers);
      // The drop and the server-action comparison once, at the first worker count (their tables have no worker column).
      if (round === 0 && opts.scenarios.includes("drop")) {
        for (const [strategy, server] of servers) {
          const client = new HttpClient(server.url, DROP.shoppers);
          try {
            await runDrop("http", new HttpOrders(client, workers), strategy, shoppers);
          } finally {
            client.close();
          }
        }
      }
      if (round === 0 && opts.actionConcurrency.length > 0) {
        const client = new HttpClient(first.url, Math.max(...opts.actionConcurrency));
        try {
          await actionVsRoute(client, new HttpOrders(client, workers), opts.strategies[0]!, shoppers, tree(first.child));
        } finally {
          client.close();
        }
      }
    } finally {
      for (const server of servers.values()) await server.stop();
    }
  }
}

/** Each strategy's front listens this far above its server's port. */
const FRONT_PORT_OFFSET = 50;

/**
 * Through the front (scripts/front.sh, nginx), as production serves the shop: the public pages'
 * throughput, then each strategy's buyers alone and among the crowd of viewers.
 */
async function runCrowd(servers: Map<Strategy, BenchServer>, workers: number, shoppers: Shopper[]) {
  const product = await crowdProduct(`x${workers} #${++cellNo}`);
  const fronts = new Map<Strategy, BenchFront>();
  try {
    for (const [strategy, server] of servers) fronts.set(strategy, await BenchFront.start(Number(server.url.port) + FRONT_PORT_OFFSET, Number(server.url.port), `${strategy}-x${workers}`));
    const first = fronts.get(opts.strategies[0]!)!;
    log(`\n== public pages through the front at ${workers} worker(s), ${CROWD.pageConnections} connections`);
    pages.push(...(await pageCells(first.url, workers, opts.durationS, product, log)));
    for (const [strategy, front] of fronts) {
      const client = new HttpClient(front.url, CROWD.buyers);
      try {
        const target = new HttpOrders(client, workers);
        const cpu = roles(tree(servers.get(strategy)!.child), tree(front.child));
        const alone = await checkoutCell("http", target, strategy, "hot", CROWD.buyers, shoppers, cpu);
        let stop!: () => void;
        const viewing = runViewers(front.url, product, new Promise<void>((r) => (stop = r)));
        await new Promise((r) => setTimeout(r, CROWD.pollMs));
        // The viewers' pages run on the same processes, so this cell's CPU per order includes them.
        const crowded = await checkoutCell("http", target, strategy, "hot", CROWD.buyers, shoppers, cpu);
        stop();
        const viewers = await viewing;
        const result = {
          strategy,
          workers,
          alone,
          crowded,
          viewers: CROWD.viewers,
          connectionsHeld: viewers.connectionsHeld,
          pagesPerS: viewers.pagesPerS,
          stockPerS: viewers.stockPerS,
          viewerLatency: viewers.latency,
          viewerErrors: viewers.errors,
        };
        log(
          `  crowd ${strategy} x${workers}: ${alone.ordersPerS} orders/s alone, ${crowded.ordersPerS} with ${CROWD.viewers} viewers on ${viewers.connectionsHeld} connections (${viewers.pagesPerS} pages/s, ${viewers.stockPerS} stock reads/s, ${viewers.errors} errors)`,
        );
        if (viewers.errors > 0) crowded.problems.push(`${viewers.errors} viewer requests failed`);
        crowds.push(result);
      } finally {
        client.close();
      }
    }
  } finally {
    for (const front of fronts.values()) await front.stop();
  }
}

async function updateDocs(table: string, machine: string, command: string, profile: string | null) {
  const file = path.join(ROOT, "docs/benchmarks.md");
  let text = await readFile(file, "utf8");
  const put = (name: string, body: string) => {
    const re = new RegExp(`(<!-- bench:${name}:start -->)[\\s\\S]*?(<!-- bench:${name}:end -->)`);
    if (!re.test(text)) throw new Error(`docs/benchmarks.md lacks the bench:${name} markers`);
    text = text.replace(re, (_m, a: string, b: string) => `${a}\n${body}\n${b}`);
  };
  put("machine", machine);
  put("command", "```\n" + command + "\n```");
  put("table", table);
  if (profile) put("profile", profile);
  await writeFile(file, text);
}

async function main() {
  const startedAt = new Date();
  services = await startServices(opts);
  log(
    services.own
      ? `== own mariadbd on :${opts.servicesPort} and redis-server on :${opts.servicesPort + 1} (their CPU is this bench's alone)`
      : "== the machine's shared mariadbd and redis-server: their CPU per order includes any other work on them",
  );
  log(`== fresh database ${new URL(opts.databaseUrl).pathname.slice(1)} and Redis ${opts.redisUrl}`);
  // Before anything reads it: on a fresh machine the bench database does not exist yet.
  await recreateDatabase(opts.databaseUrl);
  const machine = await describeMachine();
  log(
    `Stockroom contention bench (${opts.modes.join(" + ")}): ${opts.strategies.join(", ")} x W ${opts.concurrency.join(", ")} x ${opts.scenarios.join(", ")}, ${opts.durationS} s cells` +
      (opts.modes.includes("http") ? `; http at ${opts.workers.join(" and ")} worker(s) per server` : ""),
  );
  log(machineMarkdown(machine));
  if (machine.loadAverageAtStart[0]! > machine.cpus * 0.5) log(`warning: load average ${machine.loadAverageAtStart[0]} on ${machine.cpus} cores: results will be noisy`);
  if (opts.build) {
    log("== next build (.next-bench) ...");
    const t = Date.now();
    await buildServer(secret);
    log(`   built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  await seed(getDb(), { admin: { username: "admin", password: "admin12345" }, hashPassword });
  const redis = new Redis(opts.redisUrl);
  await redis.flushdb();
  await redis.quit();
  const maxW = Math.max(...opts.concurrency, ...opts.actionConcurrency, 64, opts.scenarios.includes("drop") || opts.outboxAb > 0 ? DROP.shoppers : 0);
  const shoppers = await makeShoppers(maxW, { prefix: "bench" });
  await ledger.record();

  if (opts.modes.includes("http")) await runHttp(shoppers);
  if (opts.modes.includes("service")) await runService(shoppers);
  if (opts.profile && opts.modes.includes("http")) profiles.unshift(`HTTP: the \`${opts.profileStrategy}\` server through hot, W=64. ${await profileCell(shoppers)}`);
  const profileSummary = profiles.length > 0 ? profiles.join("\n\n") : null;

  const targets = verdicts(cells, ratios);
  const verdict = [...targets.map(verdictLine), ...crowdVerdicts(pages, crowds)];
  const table = [markdown(cells, verdict), ratioMarkdown(ratios), drops.length > 0 ? dropMarkdown(drops) : "", crowdMarkdown(pages, crowds), outboxMarkdown(outboxCells)].filter(Boolean).join("\n\n");
  const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim();
  const report = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), command, options: opts, machine, services: services.own ? "own" : "shared", cells, ratios, drops, pages, crowds, outbox: outboxCells, targets, profile: profileSummary };
  await mkdir(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `run-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, JSON.stringify(report, null, 2));
  await copyFile(file, path.join(RESULTS, "latest.json"));
  if (opts.docs) await updateDocs(table, machineMarkdown(machine), command, profileSummary);

  process.stdout.write(`\n${table}\n`);
  if (profileSummary) process.stdout.write(`\n### CPU profiles\n\n${profileSummary}\n`);
  log(`\nResults: ${path.relative(ROOT, file)} (copied to bench/results/latest.json)${opts.docs ? "; docs/benchmarks.md updated" : ""}`);
  const failed = cells.filter((c) => c.problems.length > 0);
  for (const c of failed) log(`FAILED ${c.mode} ${c.kind} ${c.strategy ?? ""} ${c.scenario} W=${c.W}:\n  ${c.problems.slice(0, 10).join("\n  ")}`);
  const failedDrops = drops.filter((d) => d.problems.length > 0);
  for (const d of failedDrops) log(`FAILED drop ${d.mode} ${d.strategy}:\n  ${d.problems.slice(0, 10).join("\n  ")}`);
  const failedOutbox = outboxCells.filter((c) => c.problems.length > 0);
  for (const c of failedOutbox) log(`FAILED outbox A/B ${c.scenario} ${c.arm} round ${c.round + 1}:\n  ${c.problems.slice(0, 10).join("\n  ")}`);
  const failedRatios = ratios.filter((r) => r.problems.length > 0);
  for (const r of failedRatios) log(`FAILED ratio slices ${r.strategy} x${r.workers}:\n  ${r.problems.slice(0, 10).join("\n  ")}`);
  const failedCrowds = crowds.filter((c) => c.alone.problems.length + c.crowded.problems.length > 0);
  for (const c of failedCrowds) log(`FAILED crowd ${c.strategy} x${c.workers}:\n  ${[...c.alone.problems, ...c.crowded.problems].slice(0, 10).join("\n  ")}`);
  return failed.length + failedDrops.length + failedCrowds.length + failedOutbox.length + failedRatios.length === 0 ? 0 : 1;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await closeRedis();
    await closeDb();
    await services?.stop();
  });
