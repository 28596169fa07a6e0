#!/usr/bin/env node
/**
 * `npm start`: the production server on every core. A `node:cluster` primary forks
 * WEB_CONCURRENCY workers (default: the cores this process may use), each running Next.js's own
 * `next start` on the same build; the primary holds the listening socket and hands connections
 * to the workers in turn. Arguments are passed to `next start` (`npm start -- -p 4000`).
 * WEB_CONCURRENCY=1 runs `next start` in this very process: no primary, exactly one process.
 * PORT_PER_WORKER=1 (behind the front): worker slot i listens on port + i instead, so the front
 * lists each worker and tells a dead one (its port refuses) from a live one; a restarted worker
 * takes its slot's port again.
 *
 * The primary never touches MariaDB or Redis and keeps no shop state: correctness lives in the
 * database and in atomic Redis scripts, so any worker may serve any request. It only
 *  - restarts a worker that dies (with backoff, logged); a worker that fails before any worker
 *    was ever ready (lib/startup.ts ran: configuration valid, app loaded) is a bad configuration
 *    or build, not a crash, so the primary exits with its code;
 *  - on SIGTERM/SIGINT passes the signal to every worker, which drains (lib/platform/graceful-stop.ts:
 *    in-flight checkouts finish, new requests get 503 SHUTTING_DOWN, pools close), and exits
 *    once all have gone, like `next start` (128 + signal);
 *  - tells workers about the pool over IPC (see "IPC" below; /api/health reports it).
 *
 * Every worker (and the single process) stamps each request with its socket's address in a header
 * no client can set (lib/platform/peer-address.mjs): the login throttle's per-address bucket comes
 * from it, or, behind TRUSTED_PROXY_HOPS trusted proxies, from the X-Forwarded-For entry they wrote.
 * And every answer with `s-maxage` tells the front (nginx) until which second it may keep it
 * (lib/platform/front-expiry.mjs), since nginx counts whole seconds.
 *
 * Plain .mjs with only `next`, `pino` and `prom-client` (dependencies), so production needs no devDependencies.
 */
import cluster from "node:cluster";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { METRICS_REQUEST, metricsRequestHandler } from "../lib/platform/metrics/cluster-primary.mjs";
import { stampFrontExpiry } from "../lib/platform/front-expiry.mjs";
import { stampPeerAddresses } from "../lib/platform/peer-address.mjs";

const require = createRequire(import.meta.url);
const NEXT_BIN = require.resolve("next/dist/bin/next");
const NEXT_ARGS = ["start", ...process.argv.slice(2)];
const PORT_PER_WORKER = process.env.PORT_PER_WORKER === "1";
const WORKER_PRELOAD = new URL("./worker-preload.mjs", import.meta.url).href;

/**
 * V8's young generation for every worker: 64 MB semi-spaces instead of 16. A worker holds its
 * checkouts while their batch commits, their objects outlive the collector's scavenges and are
 * copied; the collector is the largest single cost a checkout adds to a request, and this cut a
 * checkout's CPU at two workers by 1-21% (docs/benchmarks.md, "Steady state by default"), for up
 * to about 100 MB more memory per worker. Given in the worker's NODE_OPTIONS, where a value in the
 * launcher's own NODE_OPTIONS or on its command line wins. The single process (WEB_CONCURRENCY=1)
 * cannot be given it from here: a V8 flag must be set before the process it sizes starts.
 */
const WORKER_V8_FLAGS = ["--max-semi-space-size=64"];

/** A worker's NODE_OPTIONS: the launcher's own, after the worker flags it does not already set. */
function workerNodeOptions() {
  const own = process.env.NODE_OPTIONS ?? "";
  const given = [...process.execArgv, ...own.split(/\s+/)].map((a) => a.split("=")[0].replaceAll("_", "-"));
  return [...WORKER_V8_FLAGS.filter((f) => !given.includes(f.split("=")[0])), own].filter(Boolean).join(" ");
}

/** A restarted worker waits BASE x 2^(quick crashes - 1), at most MAX; a worker that lived STABLE resets the count. */
const RESTART_BASE_MS = 500;
const RESTART_MAX_MS = 30_000;
const STABLE_MS = 30_000;
/** Longer than a worker's own drain (20 s) plus closing its pools; then the primary SIGKILLs it. */
const STOP_TIMEOUT_MS = 25_000;
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };

/** WEB_CONCURRENCY as a worker count: a whole number 1-256, or the usable cores when unset. */
function poolSize(raw = process.env.WEB_CONCURRENCY, cores = availableParallelism()) {
  if (raw === undefined || raw.trim() === "") return cores;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`Invalid configuration: WEB_CONCURRENCY must be a whole number 1-256, got "${raw}"`);
  return n;
}

/** `next start`'s arguments for one worker slot: with PORT_PER_WORKER, its own port (the given one + slot). */
function argsForSlot(slot) {
  if (!PORT_PER_WORKER) return NEXT_ARGS;
  const args = [];
  let base = Number(process.env.PORT || 3000);
  for (let i = 0; i < NEXT_ARGS.length; i++) {
    const a = NEXT_ARGS[i];
    if (a === "-p" || a === "--port") base = Number(NEXT_ARGS[++i]);
    else if (a.startsWith("--port=")) base = Number(a.slice("--port=".length));
    else args.push(a);
  }
  return [...args, "-p", String(base + slot)];
}

/** One process: `next start` itself, as if run from the command line. */
async function single() {
  stampPeerAddresses();
  stampFrontExpiry();
  process.argv = [process.argv[0], NEXT_BIN, ...NEXT_ARGS];
  await import(pathToFileURL(NEXT_BIN).href);
}

function primary(size) {
  const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { service: "stockroom", role: "primary", pid: process.pid } });
  // One worker per port: no hand-off is needed, and the primary's round-robin hand-off strands a
  // connection it was handing to a worker that dies (it stays open, unanswered, in the primary).
  // The worker accepts from its own port instead; when it dies the port closes and refuses.
  if (PORT_PER_WORKER) cluster.schedulingPolicy = cluster.SCHED_NONE;
  const setup = (slot) => cluster.setupPrimary({ exec: NEXT_BIN, args: argsForSlot(slot), execArgv: [...process.execArgv, "--import", WORKER_PRELOAD] });
  setup(0);

  /** Per slot 0..size-1: its worker, when it started, and how many times in a row it died young. */
  const slots = Array.from({ length: size }, () => ({ worker: null, ready: false, startedAt: 0, quickCrashes: 0, timer: null }));
  let restarts = 0;
  let everReady = false;
  let stopping = null;

  const alive = () => slots.filter((s) => s.worker && s.ready).length;

  // ---- IPC -------------------------------------------------------------------------------
  // Everything the primary and its workers say to each other goes through here: messages are
  // objects whose `type` starts with "stockroom:". Workers read them in lib/platform/workers.ts. A new
  // primary-side concern (e.g. prom-client's AggregatorRegistry collecting every worker's
  // metrics) sets itself up in `setUpIpc`, next to the pool broadcast.
  const ipcHandlers = new Map();
  function setUpIpc() {
    cluster.on("message", (worker, message) => {
      const handle = message && typeof message === "object" ? ipcHandlers.get(message.type) : undefined;
      if (handle) handle(worker, message);
    });
  }
  /** Every worker learns the pool's size and how many workers are serving (GET /api/health shows it). */
  const poolMessage = () => ({ type: "stockroom:pool", size, alive: alive(), restarts });
  function broadcastPool() {
    for (const s of slots) if (s.worker?.isConnected()) s.worker.send(poolMessage(), () => {});
  }
  // A worker says it is ready once its start-up code ran (lib/startup.ts -> lib/platform/workers.ts): its
  // configuration is valid and it listens for the pool broadcast (one sent before is lost).
  ipcHandlers.set("stockroom:ready", (worker) => {
    const slot = slots.findIndex((s) => s.worker === worker);
    if (slot < 0) return;
    everReady = true;
    slots[slot].ready = true;
    log.info({ slot, workerPid: worker.process.pid }, "worker ready");
    broadcastPool();
  });
  // GET /api/metrics on any worker: every worker's registry summed (lib/platform/metrics/cluster-primary.mjs).
  // Set up before the first fork, so the workers know to ask.
  ipcHandlers.set(METRICS_REQUEST, metricsRequestHandler());
  // ------------------------------------------------------------------------------------------

  function fork(slot) {
    const s = slots[slot];
    s.timer = null;
    s.startedAt = Date.now();
    s.ready = false;
    setup(slot);
    s.worker = cluster.fork({ NODE_ENV: process.env.NODE_ENV ?? "production", STOCKROOM_WORKER_SLOT: String(slot), NODE_OPTIONS: workerNodeOptions() });
  }

  cluster.on("exit", (worker, code, signal) => {
    const slot = slots.findIndex((s) => s.worker === worker);
    if (slot < 0) return;
    const s = slots[slot];
    s.worker = null;
    s.ready = false;
    broadcastPool();
    if (stopping) {
      log.info({ slot, workerPid: worker.process.pid, code, signal }, "worker stopped");
      if (slots.every((x) => !x.worker)) finish();
      return;
    }
    if (!everReady) {
      // No worker ever got through start-up: the build, the port or the configuration is wrong; restarting would only repeat it.
      log.fatal({ slot, workerPid: worker.process.pid, code, signal }, "worker failed at start-up; stopping");
      stopAll("SIGTERM", code || 1);
      return;
    }
    const lived = Date.now() - s.startedAt;
    s.quickCrashes = lived >= STABLE_MS ? 1 : s.quickCrashes + 1;
    const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (s.quickCrashes - 1));
    restarts++;
    log.error({ slot, workerPid: worker.process.pid, code, signal, livedMs: lived, restartInMs: delay, restarts }, "worker died; restarting");
    s.timer = setTimeout(() => fork(slot), delay);
  });

  function stopAll(signal, exitCode) {
    if (stopping) return;
    stopping = { exitCode };
    log.info({ signal, workers: slots.filter((s) => s.worker).length }, "stopping: every worker drains");
    for (const s of slots) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      s.worker?.process.kill(signal);
    }
    // A worker stuck past its own drain timeout must not hold the stop forever.
    setTimeout(() => {
      for (const s of slots) if (s.worker) {
        log.error({ workerPid: s.worker.process.pid }, "worker still running after the drain timeout; SIGKILL");
        s.worker.process.kill("SIGKILL");
      }
    }, STOP_TIMEOUT_MS).unref();
    if (slots.every((s) => !s.worker)) finish();
  }

  function finish() {
    log.info({ exitCode: stopping.exitCode }, "all workers stopped; exiting");
    process.exit(stopping.exitCode);
  }

  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => stopAll(signal, SIGNAL_EXIT[signal]));

  setUpIpc();
  log.info({ workers: size, next: NEXT_ARGS.join(" "), portPerWorker: PORT_PER_WORKER }, "starting workers");
  for (let slot = 0; slot < size; slot++) fork(slot);
}

let size;
try {
  size = poolSize();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
if (size === 1) await single();
else primary(size);
