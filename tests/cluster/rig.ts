/**
 * What the cluster races share: the rig's addresses (scripts/cluster-rig.sh), the app servers
 * (`next start`, one build), the front (scripts/front.sh) in front of them, and each Galera
 * node's committed state. The processes started here are killed when this process exits.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import mysql from "mysql2/promise";
import Redis from "ioredis";
import { closeDb } from "@/db";
import { closeRedis } from "@/lib/platform/redis";
import { healthy, waitUntilServing } from "../support/health";
import { TEST_METRICS_TOKEN } from "../support/prometheus";
import { waitFor } from "../support/wait";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const LOG_DIR = path.join(ROOT, "artifacts/cluster");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const DIST_DIR = process.env.NEXT_DIST_DIR ?? ".next-cluster";

export const RIG_DIR = process.env.RIG_DIR ?? "/tmp/stockroom-cluster-rig";
/**
 * With RIG_NETNS=1 every node is a host of its own (scripts/cluster/netns.sh): the rig writes
 * where each port listens in hosts.json. Without it, everything is on loopback.
 */
const HOSTS_FILE = path.join(RIG_DIR, "hosts.json");
const hosts: Record<string, string> = existsSync(HOSTS_FILE) ? (JSON.parse(readFileSync(HOSTS_FILE, "utf8")) as { hosts: Record<string, string> }).hosts : {};
/** Whether the rig gave every node a host of its own (and so the nemesis can partition them). */
export const NETNS = Object.keys(hosts).length > 0;
export const hostOf = (port: number) => hosts[String(port)] ?? "127.0.0.1";

export const SQL_PORTS = [4306, 4307, 4308];
/** HAProxy's two ways to the Galera nodes: one writer (with stand-bys), or every Synced node. */
export const HAPROXY = { "single-writer": 4316, "multi-writer": 4317 } as const;
export type WriterMode = keyof typeof HAPROXY;
export const APP_PORTS = [3501, 3502, 3503];
/** App server `port`'s address, and the namespace it runs in (its host), if any. */
const appHost = (port: number) => hosts[`app${APP_PORTS.indexOf(port) + 1}`] ?? "127.0.0.1";
const appNamespace = (port: number) => (NETNS ? [`sr-app${APP_PORTS.indexOf(port) + 1}`] : []);
export const FRONT_PORT = 3500;
export const REDIS_PORTS = [7001, 7002, 7003, 7004, 7005, 7006];
const REDIS_NODES = process.env.REDIS_CLUSTER_NODES ?? REDIS_PORTS.map((p) => `${hostOf(p)}:${p}`).join(",");
export const DB_NAME = "stockroom_cluster";
export const nodeUrl = (port: number) => `mysql://root@${hostOf(port)}:${port}/${DB_NAME}`;

const secret = randomBytes(32).toString("hex");
// Server actions across processes: every process must use the same key (base64, 32 bytes).
const actionKey = process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY ?? randomBytes(32).toString("base64");
// This process creates sessions with the servers' secret and writes through HAProxy's writer.
Object.assign(process.env, { DATABASE_URL: nodeUrl(HAPROXY["single-writer"]), REDIS_CLUSTER_NODES: REDIS_NODES, SESSION_SECRET: secret, NODE_ENV: "production" });

export const say = (s: string) => process.stdout.write(`[cluster] ${s}\n`);

const live = new Set<ChildProcess>();
const fronts = new Set<ChildProcess>();
process.once("exit", () => {
  // nginx's master stops its workers on SIGTERM; SIGKILLed, it would leave them serving the port.
  for (const child of live) child.kill(fronts.has(child) ? "SIGTERM" : "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export const appUrl = (port: number) => new URL(`http://${appHost(port)}:${port}`);
/** The front stays where the tests reach it: this host's loopback. */
export const frontUrl = new URL(`http://127.0.0.1:${FRONT_PORT}`);

/** One `next start` on `port`, writing through `databaseUrl`, behind the front (one trusted hop). */
export async function startApp(port: number, databaseUrl: string, strategy: string, label: string, extra: Record<string, string> = {}): Promise<ChildProcess> {
  if (await healthy(appUrl(port))) throw new Error(`something already answers on :${port}`);
  const logFile = path.join(LOG_DIR, `${label}.log`);
  const out = createWriteStream(logFile, { flags: "a" });
  const { NODE_OPTIONS: _tsx, ...parentEnv } = process.env;
  // `ip netns exec` execs the server, so the child's pid is the server's own (SIGSTOP, SIGKILL).
  const argv = [process.execPath, NEXT_BIN, "start", "-p", String(port), "-H", appHost(port)];
  const netns = appNamespace(port);
  const child = spawn(netns.length ? "ip" : argv[0]!, netns.length ? ["netns", "exec", ...netns, ...argv] : argv.slice(1), {
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
      CHECKOUT_MAX_ATTEMPTS: process.env.CLUSTER_CHECKOUT_MAX_ATTEMPTS ?? "10",
      CHECKOUT_STRATEGY: strategy,
      // Every shopper of the race comes from this machine's one address.
      CHECKOUT_RATE_LIMIT: "0",
      TRUSTED_PROXY_HOPS: "1",
      BENCH_METRICS: "1",
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      LOG_LEVEL: "warn",
      PORT: String(port),
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  live.add(child);
  child.once("exit", () => live.delete(child));
  try {
    await waitUntilServing(appUrl(port), { ms: 90_000, exited: () => exited(child) });
  } catch (e) {
    child.kill("SIGKILL");
    const tail = (await readFile(logFile, "utf8").catch(() => "")).split("\n").slice(-20).join("\n");
    throw new Error(`next start on :${port} did not become healthy (${(e as Error).message}); ${logFile}:\n${tail}`);
  }
  return child;
}

/** SIGTERM, and the exit awaited; SIGKILL after `killAfterMs` if given. */
async function stop(child: ChildProcess, killAfterMs?: number) {
  if (exited(child)) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  await gone;
  clearTimeout(timer);
}

export const stopApp = (child: ChildProcess) => stop(child, 10_000);

/**
 * The front (scripts/front.sh, the repo's nginx configuration) on FRONT_PORT in front of the app
 * servers. Its per-address limits are opened wide: every shopper of a race has the same address.
 */
export async function startFront(): Promise<ChildProcess> {
  const answers = () => fetch(new URL("/_next/static/", frontUrl)).then(() => true, () => false);
  if (await answers()) throw new Error(`something already answers on :${FRONT_PORT} (a front left over from an earlier run?)`);
  const out = createWriteStream(path.join(LOG_DIR, "front.log"), { flags: "a" });
  const child = spawn("bash", [path.join(ROOT, "scripts/front.sh")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NEXT_DIST_DIR: DIST_DIR,
      FRONT_PORT: String(FRONT_PORT),
      FRONT_HOST: "127.0.0.1",
      FRONT_DIR: path.join(LOG_DIR, "front"),
      APP_PORTS: APP_PORTS.map((p) => `${appHost(p)}:${p}`).join(","),
      FRONT_CHECKOUT_RATE: "100000r/s",
      FRONT_CHECKOUT_BURST: "100000",
      FRONT_LOGIN_RATE: "100000r/s",
      FRONT_CONN_PER_ADDR: "65535",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  live.add(child);
  fronts.add(child);
  child.once("exit", () => live.delete(child));
  await waitFor("the front to answer", async () => {
    if (exited(child)) throw new Error("the front exited; see artifacts/cluster/front.log");
    return answers();
  }, 20_000);
  return child;
}

/** Never SIGKILLed: nginx's master stops its workers on SIGTERM, and killed it would leave them serving. */
export const stopFront = (child: ChildProcess) => stop(child);

/**
 * A CPU hog beside the whole rig (`stress-ng ...`, from Debian; scripts/cluster-rig.sh installs
 * it), until `stop`: the machine starved, as it is when a drop brings everyone at once.
 */
export function startCpuHog(command: string): { stop: () => Promise<void> } {
  const [bin, ...args] = command.split(" ");
  const child = spawn(bin!, args, { stdio: "ignore" });
  live.add(child);
  child.once("exit", () => live.delete(child));
  return { stop: () => stop(child, 5_000) };
}

/** scripts/cluster-rig.sh's node commands: kill, pause, resume, revive, wait-synced. */
export function rig(...args: string[]) {
  const r = spawnSync("bash", [path.join(ROOT, "scripts/cluster-rig.sh"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
  if (r.status !== 0) throw new Error(`cluster-rig.sh ${args.join(" ")} failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The same, without blocking the race's clients while the command runs (the nemesis's faults). */
export function rigAsync(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(ROOT, "scripts/cluster-rig.sh"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d));
    child.stderr!.on("data", (d: Buffer) => (out += d));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`cluster-rig.sh ${args.join(" ")} failed: ${out}`))));
  });
}

export type Snapshot = {
  skus: { id: number; stock: number; sales: number }[];
  orders: { id: string; userId: number; idempotencyKey: string; cartRevision: string; totalCount: number; totalAmount: string; freight: string }[];
  lines: { orderId: string; skuId: number; count: number; price: string }[];
  places: { skuId: number; locationId: number; stock: number }[];
  allocations: { orderId: string; skuId: number; locationId: number; count: number }[];
};

/** One node's committed state, read after waiting for everything the cluster already ordered. */
export async function snapshot(port: number): Promise<Snapshot> {
  const c = await mysql.createConnection({ uri: nodeUrl(port), decimalNumbers: false });
  try {
    await c.query("SET SESSION wsrep_sync_wait = 1");
    const [skus] = await c.query("SELECT id, stock, sales FROM skus ORDER BY id");
    const [orders] = await c.query(
      "SELECT id, user_id AS userId, idempotency_key AS idempotencyKey, cart_revision AS cartRevision, total_count AS totalCount, total_amount AS totalAmount, freight FROM orders ORDER BY id",
    );
    const [lines] = await c.query("SELECT order_id AS orderId, sku_id AS skuId, count, price FROM order_lines ORDER BY order_id, sku_id");
    const [places] = await c.query("SELECT sku_id AS skuId, location_id AS locationId, stock FROM sku_locations ORDER BY sku_id, location_id");
    const [allocations] = await c.query("SELECT order_id AS orderId, sku_id AS skuId, location_id AS locationId, count FROM order_line_allocations ORDER BY order_id, sku_id, location_id");
    return { skus, orders, lines, places, allocations } as unknown as Snapshot;
  } finally {
    await c.end();
  }
}

export const digest = (s: Snapshot) => createHash("sha256").update(JSON.stringify(s)).digest("hex").slice(0, 12);

export async function galeraCounters(port: number) {
  const c = await mysql.createConnection({ uri: `mysql://root@${hostOf(port)}:${port}/` });
  try {
    const [rows] = await c.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts', 'wsrep_cluster_size')");
    const m = new Map((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, Number(r.Value)]));
    return { certFailures: m.get("wsrep_local_cert_failures") ?? 0, bfAborts: m.get("wsrep_local_bf_aborts") ?? 0, size: m.get("wsrep_cluster_size") ?? 0 };
  } finally {
    await c.end();
  }
}

/**
 * Empties every master of the Redis Cluster: a fresh database reuses SKU ids, so carts and
 * sold-out hints from an earlier race must go too. Asked node by node, since which nodes are
 * masters changes with every failover.
 */
export async function flushRedisCluster() {
  const roles = await Promise.all(
    REDIS_PORTS.map(async (port) => {
      const node = new Redis({ host: hostOf(port), port, lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await node.connect();
        const [role] = (await node.role()) as [string];
        if (role === "master") await node.flushdb();
        return role;
      } finally {
        node.disconnect();
      }
    }),
  );
  if (roles.filter((r) => r === "master").length !== 3) throw new Error(`expected 3 Redis masters, found roles ${roles.join(", ")}`);
}

export const cents = (s: string) => Math.round(Number(s) * 100);

export function count(xs: string[]) {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Prints what broke (at most 40 lines) and says whether nothing did. */
export function reportBroken(broken: string[]): boolean {
  for (const p of broken.slice(0, 40)) console.log(`BROKEN ${p}`);
  return broken.length === 0;
}

/** Runs a race script: exit 0 when it says all held, 1 when not or when it throws. */
export function runRaces(main: () => Promise<boolean>) {
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
}
