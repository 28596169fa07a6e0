/**
 * A fair drop, simulated (issue 37's point 6 and its targets): a SKU of `--stock` units behind a
 * waiting room, 5,000 signed-in shoppers and 200 scripted bots, all over real HTTP through the
 * front (nginx, scripts/front.sh) to a production server. Shoppers solve the real ALTCHA
 * challenge (at a bench difficulty), join before or after the launch, poll the line's cached
 * status like the page, ask `me` when their number is served, and check out with the pass. Bots
 * post checkouts at the launch millisecond without a pass or with a forged one, join without a
 * solution, with a made-up one or with one already spent, and some solve it honestly and ask
 * `me` four times a second. Prints the targets' figures from one run; MariaDB is the judge of
 * what sold. `npm run bench:queue -- --help`.
 */
import { queueOpts as opts, queueSecret } from "./lib/queue-env";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { closeDb, getPool } from "@/db";
import mysql from "mysql2/promise";
import { migrateDatabase, recreateDatabase } from "@/db/migrate";
import { closeRedis, getRedis } from "@/lib/platform/redis";
import { fillCart, makeShoppers, type Shopper } from "@/tests/support/fixtures";
import { insertProduct, insertSkus } from "@/tests/support/fixtures/sql";
import { HttpClient } from "@/tests/support/http";
import { TEST_METRICS_TOKEN, parseExposition, sumOf } from "@/tests/support/prometheus";
import { queueFigures, queueMarkdown, type MetricSample } from "./lib/queue-figures";
import type { Actor, ActorKind, ClientReport, Plan } from "./lib/queue-plan";
import { BenchFront, BenchServer, buildServer, DIST_DIR, LOG_DIR, ROOT } from "./lib/server";

const log = (s: string) => process.stderr.write(`${s}\n`);

/** The 200 bots: what each does is in ./lib/queue-plan.ts. */
const BOTS: { kind: ActorKind; variant: string; n: number; when: "launch" | "early" }[] = [
  { kind: "checkout", variant: "none", n: 40, when: "launch" },
  { kind: "checkout", variant: "forged", n: 30, when: "launch" },
  { kind: "nopow", variant: "empty", n: 20, when: "early" },
  { kind: "nopow", variant: "forged", n: 25, when: "early" },
  { kind: "replay", variant: "spent", n: 25, when: "early" },
  { kind: "honest", variant: "prequeue", n: 30, when: "early" },
  { kind: "honest", variant: "launch", n: 30, when: "launch" },
];

function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function actorsFor(shoppers: Shopper[], launchAt: number): Actor[] {
  const rand = seeded(37);
  const people = opts.shoppers;
  const early = Math.round(people * opts.prequeueShare);
  const actors: Actor[] = shoppers.slice(0, people).map((s, i) => ({
    kind: "person",
    variant: i < early ? "prequeue" : "after",
    userId: s.id,
    cookie: s.cookie,
    addressId: s.addressId,
    // Before the launch: spread over --before-s, the last half second left clear. After: over --after-s.
    at: Math.round(i < early ? launchAt - opts.beforeS * 1000 + rand() * (opts.beforeS - 0.5) * 1000 : launchAt + rand() * opts.afterS * 1000),
  }));
  let next = people;
  for (const b of BOTS) {
    for (let k = 0; k < b.n; k++) {
      const s = shoppers[next++]!;
      // Early bots join 15 s before the launch (the replay bots 10 s, after the honest ones spent their solutions).
      const at = b.when === "launch" ? launchAt : launchAt - (b.kind === "replay" ? 10_000 : 15_000);
      actors.push({ kind: b.kind, variant: b.variant, userId: s.id, cookie: s.cookie, addressId: s.addressId, at });
    }
  }
  return actors;
}

/**
 * The run's database from nothing: recreateDatabase drops stockroom_* names only; an sr_* name
 * (helpers on a shared machine are given those) is dropped here, then migrated the same way.
 */
async function freshDatabase(url: string) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^sr_[a-z0-9_]+$/.test(name)) return recreateDatabase(url);
  const server = new URL(url);
  server.pathname = "/";
  const admin = await mysql.createConnection({ uri: server.toString() });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``).finally(() => admin.end());
  await migrateDatabase(url);
}

let lastScrape = "";

async function scrape(client: HttpClient): Promise<MetricSample> {
  const res = await client.request("GET", "/api/metrics", { authorization: `Bearer ${TEST_METRICS_TOKEN}` });
  if (res.status !== 200) throw new Error(`GET /api/metrics answered ${res.status}`);
  lastScrape = res.body;
  const s = parseExposition(res.body);
  const route = (suffix: string, method = "GET") => s.filter((x) => x.name === "stockroom_http_requests_total" && x.labels.route?.endsWith(suffix) && x.labels.method === method).reduce((n, x) => n + x.value, 0);
  const outcomes: Record<string, number> = {};
  const seconds: Record<string, { count: number; sum: number }> = {};
  for (const x of s) {
    const kind = x.name === "stockroom_http_request_duration_seconds_count" ? "count" : x.name === "stockroom_http_request_duration_seconds_sum" ? "sum" : null;
    if (!kind || !/drops|orders/.test(x.labels.route ?? "")) continue;
    const key = `${x.labels.method} ${x.labels.route}`;
    (seconds[key] ??= { count: 0, sum: 0 })[kind] += x.value;
  }
  for (const x of s) if (x.name === "stockroom_checkouts_total") outcomes[x.labels.outcome!] = (outcomes[x.labels.outcome!] ?? 0) + x.value;
  return {
    at: Date.now(),
    status: route("/queue/status"),
    me: route("/queue/me"),
    join: route("/queue", "POST"),
    challenge: route("/challenge"),
    orders: route("/api/orders", "POST"),
    outcomes,
    seconds,
    cpuSeconds: sumOf(s, "process_cpu_seconds_total"),
  };
}

function runClient(planFile: string, reportFile: string, measure: boolean): Promise<void> {
  const tsx = path.join(ROOT, "node_modules/.bin/tsx");
  const { NODE_OPTIONS: _drop, ...env } = process.env;
  const child = spawn(tsx, [path.join(ROOT, "bench/lib/queue-client.ts"), planFile, reportFile, ...(measure ? ["measure"] : [])], { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`client ${planFile} exited ${code}`)))));
}

async function main() {
  const startedAt = new Date();
  const loadBefore = loadavg();
  await freshDatabase(opts.databaseUrl);
  await getRedis().flushdb();
  if (opts.build || !existsSync(path.join(ROOT, DIST_DIR, "BUILD_ID"))) {
    log(`building ${DIST_DIR} …`);
    await buildServer(queueSecret);
  }

  const bots = BOTS.reduce((n, b) => n + b.n, 0);
  log(`making ${opts.shoppers} shoppers and ${bots} bots …`);
  const accounts = await makeShoppers(opts.shoppers + bots, { prefix: "q" });
  const spuId = await insertProduct(getPool(), { name: "Queue Drop Sneaker", description: "bench", category: "Bench" });
  // Launch an hour away for now; set to the real instant once everything is up.
  const [skuId] = await insertSkus(getPool(), spuId, [{ name: "Numbered pair", price: "180.00", stock: opts.stock, perCustomerLimit: 1, saleStartsAt: new Date(Date.now() + 3_600_000) }]);
  await getPool().query("UPDATE skus SET queue_admit_per_second = ?, queue_pass_minutes = 10, queue_difficulty = ? WHERE id = ?", [opts.admitPerSecond, opts.difficulty, skuId]);
  for (let i = 0; i < accounts.length; i += 500) await Promise.all(accounts.slice(i, i + 500).map((a) => fillCart(a, [{ skuId: skuId!, count: 1 }])));

  const appPort = opts.port + 1;
  const server = await BenchServer.start(appPort, { DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, SESSION_SECRET: queueSecret, CHECKOUT_STRATEGY: "batched" }, { label: "queue-drop", workers: opts.workers, poolSize: 20 });
  const accessLog = path.join(LOG_DIR, `front-queue-access.log`);
  await rm(accessLog, { force: true });
  const front = await BenchFront.start(opts.port, appPort, "queue-drop", { FRONT_ACCESS_LOG: accessLog, FRONT_CONN_PER_ADDR: "60000" });
  const app = new HttpClient(server.url, 2);
  const samples: MetricSample[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    // Is the line's status cached at the front? A few asks in a row (an entry per second: two may straddle one): one must be a hit.
    const probe = new HttpClient(front.url, 1);
    const probes: Awaited<ReturnType<HttpClient["request"]>>[] = [];
    for (let i = 0; i < 5 && !probes.some((p) => p.headers["x-front-cache"] === "HIT"); i++) probes.push(await probe.request("GET", `/api/drops/${skuId}/queue/status`));
    probe.close();
    log(`status at the front: ${probes.map((p) => `${p.status} ${p.headers["x-front-cache"]}`).join(", ")} (Cache-Control: ${probes[0]!.headers["cache-control"]})`);
    if (!probes.some((p) => p.headers["x-front-cache"] === "HIT")) throw new Error("the front does not cache GET /api/drops/:skuId/queue/status; check scripts/front/nginx.conf.template");

    const launchAt = Math.ceil((Date.now() + (opts.beforeS + 5) * 1000) / 1000) * 1000;
    await getPool().query("UPDATE skus SET sale_starts_at = ? WHERE id = ?", [new Date(launchAt), skuId]);
    const stopAt = launchAt + (opts.afterS + 90) * 1000;
    const actors = actorsFor(accounts, launchAt);
    const dir = path.join(tmpdir(), `queue-drop-${process.pid}`);
    await mkdir(dir, { recursive: true });
    // Round-robin, so each process has its share of every kind and arrival time.
    const parts = Array.from({ length: opts.clients }, (_, c) => actors.filter((_, i) => i % opts.clients === c));
    const planFiles = parts.map((_, c) => path.join(dir, `plan-${c}.json`));
    const reportFiles = parts.map((_, c) => path.join(dir, `report-${c}.json`));
    await Promise.all(parts.map((part, c) => writeFile(planFiles[c]!, JSON.stringify({ front: front.url.origin, skuId: skuId!, launchAt, pollMs: opts.pollMs, pollPhase: opts.pollPhase, stopAt, actors: part } satisfies Plan))));
    log(`launch at ${new Date(launchAt).toISOString()}: ${opts.shoppers} shoppers (${Math.round(opts.shoppers * opts.prequeueShare)} before it), ${bots} bots, ${opts.stock} units, ${opts.admitPerSecond}/s admitted, difficulty ${opts.difficulty}, ${opts.clients} client processes`);

    const base = await scrape(app);
    samples.push(base);
    sampler = setInterval(() => void scrape(app).then((s) => samples.push(s), () => {}), 500);
    await Promise.all(parts.map((_, c) => runClient(planFiles[c]!, reportFiles[c]!, c === 0)));
    clearInterval(sampler);
    samples.push(await scrape(app));
    await writeFile(path.join(LOG_DIR, "metrics-queue-drop.prom"), lastScrape);

    const reports = await Promise.all(reportFiles.map(async (f) => JSON.parse(await readFile(f, "utf8")) as ClientReport));
    await rm(dir, { recursive: true, force: true });
    const accessLines = (await readFile(accessLog, "utf8").catch(() => "")).split("\n");
    const frontStatusLines = accessLines.filter((l) => l.includes(`/api/drops/${skuId}/queue/status`)).length;

    const closedAt = Number(await getRedis().hget(`wr:{sku:${skuId}}:state`, "closedAt")) || null;
    const [[sku]] = (await getPool().query("SELECT stock, sales FROM skus WHERE id = ?", [skuId])) as unknown as [[{ stock: number; sales: number }]];
    const [bought] = (await getPool().query(
      `SELECT o.user_id AS userId, SUM(l.count) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.sku_id = ? AND o.status <> 'cancelled' GROUP BY o.user_id`,
      [skuId],
    )) as unknown as [{ userId: number; units: number }[]];
    const figures = queueFigures({
      opts,
      launchAt,
      closedAt,
      stockLeft: Number(sku.stock),
      sales: Number(sku.sales),
      bought: bought.map((b) => ({ userId: Number(b.userId), units: Number(b.units) })),
      reports,
      samples,
      frontStatusLines,
    });
    const finishedAt = new Date();
    const machine = { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? "", loadAverageAtStart: loadBefore.map((x) => Math.round(x * 100) / 100), loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), node: process.version };
    const command = `npm run bench:queue -- ${process.argv.slice(2).join(" ")}`.trim();
    const md = queueMarkdown(figures, { command, machine, at: finishedAt.toISOString() });
    await mkdir(path.join(ROOT, "bench/results"), { recursive: true });
    const file = path.join(ROOT, "bench/results", `queue-drop-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
    await writeFile(file, JSON.stringify({ startedAt, finishedAt, command, options: opts, machine, figures, samples }, null, 2));
    await writeFile(path.join(ROOT, "bench/results/queue-drop.md"), md);
    process.stdout.write(md);
    log(`\nResults: ${path.relative(ROOT, file)} and bench/results/queue-drop.md`);
    process.exitCode = figures.targets.every((t) => t.met) ? 0 : 1;
  } finally {
    if (sampler) clearInterval(sampler);
    app.close();
    await front.stop();
    await server.stop();
    await closeDb();
    await closeRedis();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
