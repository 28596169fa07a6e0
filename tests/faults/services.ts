import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { waitUntilServing } from "../support/health";
import { waitFor } from "../support/wait";

/**
 * Throwaway MariaDB, Redis and `next start` processes for fault tests, on their own ports and
 * data folders, so a test can kill them without touching the shared services other tests use.
 * Everything started here is killed when the test process exits, whatever the reason.
 */

export const ROOT = path.resolve(import.meta.dirname, "../..");
// The production launcher (`npm start`): `next start` itself when WEB_CONCURRENCY=1, else a
// cluster primary with that many `next start` workers on the one port.
const LAUNCHER = path.join(ROOT, "scripts/start.mjs");
/** Workers per test server: WEB_CONCURRENCY from the environment (e.g. `WEB_CONCURRENCY=2 npx vitest run tests/faults`), else 1. */
export const WEB_CONCURRENCY = process.env.WEB_CONCURRENCY ?? "1";
// The same production build the end-to-end tests use (scripts/test.sh builds it first).
export const DIST_DIR = process.env.FAULTS_DIST_DIR ?? process.env.NEXT_DIST_DIR ?? ".next-test";

const BASE = Number(process.env.FAULTS_PORT_BASE ?? 3601);
export const PORTS = { server: BASE, server2: BASE + 1, front: BASE + 4, mariadb: BASE + 7, redis: BASE + 8, proxy: BASE + 9 } as const;

const children = new Set<ChildProcess>();
const folders = new Set<string>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function track(child: ChildProcess) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Resolves with the exit code (or signal) once the process has gone; SIGKILL after `ms`. */
export function waitForExit(child: ChildProcess, ms = 30_000): Promise<number | NodeJS.Signals> {
  if (exited(child)) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal!);
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function tempFolder(label: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `stockroom-faults-${label}-`));
  folders.add(dir);
  return dir;
}

// As root, mariadbd runs as root too (`--user=root`): dropping to `mysql` would clear the
// parent-death signal below and need chowned folders.
const asRoot = process.getuid?.() === 0;

/**
 * Spawns with a parent-death signal (Linux `setpriv --pdeathsig`), so a killed or crashed test
 * worker never leaves a server holding its port; the exit handler above covers the clean paths.
 */
function spawnOwned(command: string, args: string[], options: Parameters<typeof spawn>[2]) {
  const wrapped = existsSync("/usr/bin/setpriv") ? spawn("/usr/bin/setpriv", ["--pdeathsig", "KILL", "--", command, ...args], options) : spawn(command, args, options);
  return track(wrapped);
}

/** A MariaDB server of its own (root, no password, TCP on 127.0.0.1) that can be killed and started again on the same data. */
export class ThrowawayMariaDb {
  readonly dir = tempFolder("mariadb");
  readonly datadir = path.join(this.dir, "data");
  child?: ChildProcess;
  private log = "";

  /** `args` go after the defaults below, so they override them (the bench matches the shared server's settings). */
  constructor(
    readonly port = PORTS.mariadb,
    readonly args: string[] = [],
  ) {
    const install = spawnSync(
      "mariadb-install-db",
      ["--no-defaults", `--datadir=${this.datadir}`, "--auth-root-authentication-method=normal", "--skip-test-db", ...(asRoot ? ["--user=root"] : [])],
      { encoding: "utf8" },
    );
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${(install.stderr || install.stdout).slice(0, 2000)}`);
  }

  url(database: string, port = this.port) {
    return `mysql://root@127.0.0.1:${port}/${database}`;
  }

  async start() {
    if (await portOpen(this.port)) throw new Error(`port ${this.port} is already taken; set FAULTS_PORT_BASE`);
    this.log = "";
    this.child = spawnOwned(
        "mariadbd",
        [
          "--no-defaults",
          `--datadir=${this.datadir}`,
          `--port=${this.port}`,
          "--bind-address=127.0.0.1",
          `--socket=${path.join(this.dir, "sock")}`,
          `--pid-file=${path.join(this.dir, "pid")}`,
          "--skip-log-bin",
          "--innodb-buffer-pool-size=64M",
          "--max-connections=200",
          ...(asRoot ? ["--user=root"] : []),
          ...this.args,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child.stderr?.on("data", (c: Buffer) => (this.log += c.toString()));
    const child = this.child;
    await waitFor("MariaDB to accept connections", async () => {
      if (exited(child)) throw new Error(`mariadbd exited: ${this.log.slice(-2000)}`);
      return portOpen(this.port);
    });
  }

  /** SIGKILL is a crash (InnoDB recovers on the next start); SIGTERM a clean shutdown. */
  async stop(signal: NodeJS.Signals = "SIGTERM") {
    if (!this.child || exited(this.child)) return;
    this.child.kill(signal);
    await waitForExit(this.child);
  }
}

/** A Redis of its own; with an append-only file in its folder, so a restart keeps the carts. */
export class ThrowawayRedis {
  readonly dir = tempFolder("redis");
  child?: ChildProcess;

  /** `args` go after the defaults, so they override them (e.g. `--appendonly no`). */
  constructor(
    readonly port = PORTS.redis,
    readonly args: string[] = [],
  ) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start() {
    if (await portOpen(this.port)) throw new Error(`port ${this.port} is already taken; set FAULTS_PORT_BASE`);
    this.child = spawnOwned(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always", ...this.args],
      { stdio: "ignore" },
    );
    await waitFor("Redis to accept connections", () => portOpen(this.port));
  }

  async stop(signal: NodeJS.Signals = "SIGTERM") {
    if (!this.child || exited(this.child)) return;
    this.child.kill(signal);
    await waitForExit(this.child);
  }
}

export type ServerEnv = { DATABASE_URL: string; REDIS_URL: string } & Record<string, string>;

/**
 * The production server (scripts/start.mjs over `next start`) from the production build; its
 * JSON log lines, the workers' included, are kept for assertions. Killing it kills the primary:
 * its workers exit as soon as their IPC channel closes, like a crash of the whole server.
 */
export class AppServer {
  child?: ChildProcess;
  output = "";

  constructor(
    readonly port: number,
    readonly env: ServerEnv,
  ) {}

  get base() {
    return new URL(`http://127.0.0.1:${this.port}`);
  }

  /** Parsed JSON log lines (pino), oldest first. */
  logs(): Record<string, unknown>[] {
    return this.output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  async start() {
    if (!existsSync(path.join(ROOT, DIST_DIR, "BUILD_ID"))) {
      throw new Error(`No production build in ${DIST_DIR}: run \`NEXT_DIST_DIR=${DIST_DIR} npx next build\` (scripts/test.sh does)`);
    }
    if (await portOpen(this.port)) throw new Error(`port ${this.port} is already taken; set FAULTS_PORT_BASE`);
    const { NODE_OPTIONS: _drop, ...rest } = process.env;
    this.child = spawnOwned(process.execPath, [LAUNCHER, "-p", String(this.port), "-H", "127.0.0.1"], {
        cwd: ROOT,
        env: {
          ...rest,
          NODE_ENV: "production",
          NEXT_DIST_DIR: DIST_DIR,
          NEXT_TELEMETRY_DISABLED: "1",
          SESSION_SECRET: process.env.SESSION_SECRET!,
          SWEEP_INTERVAL: "0",
          LOG_LEVEL: "info",
          DB_POOL_SIZE: "10",
          WEB_CONCURRENCY,
          ...this.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
    this.output = "";
    this.child.stdout?.on("data", (c: Buffer) => (this.output += c.toString()));
    this.child.stderr?.on("data", (c: Buffer) => (this.output += c.toString()));
    const child = this.child;
    // Every worker serving, as /api/health reports the pool: its log lines may be filtered (LOG_LEVEL).
    try {
      await waitUntilServing(this.base, { workers: this.workers, exited: () => exited(child) });
    } catch (e) {
      throw new Error(`${(e as Error).message}: ${this.output.slice(-3000)}`);
    }
  }

  /** How many worker processes this server runs. */
  get workers() {
    return Number(this.env.WEB_CONCURRENCY ?? WEB_CONCURRENCY);
  }

  /** Workers that have got through start-up so far (the launcher logs each; one process counts as one once it answers). */
  ready(): number {
    return this.workers === 1 ? 1 : this.logs().filter((l) => l.msg === "worker ready").length;
  }

  signal(signal: NodeJS.Signals) {
    this.child?.kill(signal);
  }

  async stop() {
    if (!this.child || exited(this.child)) return;
    this.child.kill("SIGKILL");
    await waitForExit(this.child);
  }
}

/**
 * The front (scripts/front.sh: nginx with the repo's configuration) on its own port and run
 * folder, in front of one launcher port or several app servers. `env` sets front.sh's FRONT_*
 * variables (e.g. a 1 s client timeout).
 */
export class FrontServer {
  child?: ChildProcess;
  output = "";
  readonly dir = tempFolder("front");

  constructor(
    readonly port: number,
    readonly appPorts: number[],
    readonly env: Record<string, string> = {},
  ) {}

  get base() {
    return new URL(`http://127.0.0.1:${this.port}`);
  }

  async start() {
    if (await portOpen(this.port)) throw new Error(`port ${this.port} is already taken; set FAULTS_PORT_BASE`);
    this.output = "";
    this.child = spawnOwned("bash", [path.join(ROOT, "scripts/front.sh")], {
      cwd: ROOT,
      env: {
        ...process.env,
        NEXT_DIST_DIR: DIST_DIR,
        FRONT_PORT: String(this.port),
        FRONT_HOST: "127.0.0.1",
        FRONT_DIR: this.dir,
        ...(this.appPorts.length === 1 ? { APP_PORT: String(this.appPorts[0]) } : { APP_PORTS: this.appPorts.join(",") }),
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.on("data", (c: Buffer) => (this.output += c.toString()));
    this.child.stderr?.on("data", (c: Buffer) => (this.output += c.toString()));
    const child = this.child;
    await waitFor("the front to accept connections", async () => {
      if (exited(child)) throw new Error(`the front exited: ${this.output.slice(-2000)}`);
      return portOpen(this.port);
    });
  }

  async stop() {
    if (!this.child || exited(this.child)) return;
    this.child.kill("SIGTERM");
    await waitForExit(this.child);
  }
}
