import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { healthy, waitUntilServing } from "@/tests/support/health";
import { TEST_METRICS_TOKEN } from "@/tests/support/prometheus";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const DIST_DIR = ".next-bench";
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
// The production launcher (`npm start`): N `next start` workers on one port, or `next start` itself for 1.
const LAUNCHER = path.join(ROOT, "scripts/start.mjs");
export const LOG_DIR = path.join(ROOT, "bench/results/logs");

export type ServerEnv = {
  DATABASE_URL: string;
  REDIS_URL: string;
  SESSION_SECRET: string;
  CHECKOUT_STRATEGY: string;
};

// Servers still running when the bench exits (Ctrl-C, a crash) are killed with it, not orphaned.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping bench servers\n`);
    process.exit(130);
  });
}

function baseEnv(): NodeJS.ProcessEnv {
  // tsx's loader (NODE_OPTIONS) must not ride along into the server it measures.
  const { NODE_OPTIONS: _drop, ...rest } = process.env;
  return { ...rest, NODE_ENV: "production", NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" };
}

async function tail(file: string, lines = 30) {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").slice(-lines).join("\n");
}

/** `next build` into .next-bench; output goes to a log file and only its tail is shown on failure. */
export async function buildServer(secret: string) {
  await mkdir(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, "build.log");
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env: { ...baseEnv(), SESSION_SECRET: secret }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`next build failed (exit ${code}); ${logFile}:\n${await tail(logFile)}`);
}

export class BenchServer {
  private constructor(
    readonly child: ChildProcess,
    readonly url: URL,
    readonly logFile: string,
  ) {}

  /**
   * Starts the launcher with `workers` next start processes from .next-bench and waits until
   * /api/health reports all of them serving. The server's `poolSize` MariaDB connections are
   * split across its workers, so every worker count holds the same connections (and four
   * strategies' servers stay under MariaDB's default max_connections of 151).
   */
  static async start(port: number, env: ServerEnv, opts: { label: string; nodeArgs?: string[]; workers?: number; poolSize?: number }): Promise<BenchServer> {
    const workers = opts.workers ?? 1;
    const url = new URL(`http://127.0.0.1:${port}`);
    if (await healthy(url)) throw new Error(`Something already answers on ${url.origin}; stop it or pass --port`);
    await mkdir(LOG_DIR, { recursive: true });
    const logFile = path.join(LOG_DIR, `server-${opts.label}.log`);
    const out = createWriteStream(logFile);
    // BENCH_SERVER_NODE_ARGS: V8 or Node flags to try on the servers (e.g. "--max-semi-space-size=64").
    const flags = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const child = spawn(process.execPath, [...flags, ...(opts.nodeArgs ?? []), LAUNCHER, "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: {
        ...baseEnv(),
        ...env,
        PORT: String(port),
        WEB_CONCURRENCY: String(workers),
        ...(opts.poolSize ? { DB_POOL_SIZE: String(Math.max(2, Math.ceil(opts.poolSize / workers))) } : {}),
        BENCH_METRICS: "1",
        METRICS_TOKEN: TEST_METRICS_TOKEN,
        // No expiry sweeps during a measurement (bench orders are cash on delivery anyway).
        SWEEP_INTERVAL: "0",
        LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    live.add(child);
    child.once("exit", () => live.delete(child));
    const server = new BenchServer(child, url, logFile);
    try {
      await waitUntilServing(url, { workers, exited: () => child.exitCode !== null });
    } catch (e) {
      await server.stop();
      throw new Error(`${(e as Error).message}; ${logFile}:\n${await tail(logFile)}`);
    }
    return server;
  }

  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited (and written any --cpu-prof). */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The front (scripts/front.sh, nginx) in front of a BenchServer, as production serves the shop.
 * Its edge limits are opened wide: the benchmark's load comes from one address, on purpose.
 */
export class BenchFront {
  private constructor(
    readonly child: ChildProcess,
    readonly url: URL,
  ) {}

  /** `env`: more of scripts/front.sh's settings (FRONT_ACCESS_LOG, say), over the bench's. */
  static async start(port: number, appPort: number, label: string, env: Record<string, string> = {}): Promise<BenchFront> {
    const url = new URL(`http://127.0.0.1:${port}`);
    await mkdir(LOG_DIR, { recursive: true });
    const out = createWriteStream(path.join(LOG_DIR, `front-${label}.log`));
    const child = spawn("bash", [path.join(ROOT, "scripts/front.sh")], {
      cwd: ROOT,
      env: {
        ...baseEnv(),
        FRONT_PORT: String(port),
        FRONT_HOST: "127.0.0.1",
        APP_PORT: String(appPort),
        FRONT_DIR: path.join(ROOT, `.front/bench-${port}`),
        FRONT_CHECKOUT_RATE: "100000r/s",
        FRONT_CHECKOUT_BURST: "100000",
        FRONT_JOIN_RATE: "100000r/s",
        FRONT_JOIN_BURST: "100000",
        FRONT_QUEUE_ME_RATE: "100000r/s",
        FRONT_QUEUE_ME_BURST: "100000",
        FRONT_CONN_PER_ADDR: "60000",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    live.add(child);
    child.once("exit", () => live.delete(child));
    const front = new BenchFront(child, url);
    await waitUntilServing(url, { exited: () => child.exitCode !== null });
    return front;
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}
