import { performance } from "node:perf_hooks";
import type { Outcome } from "@/tests/support/checkout-action";

/** What one request ended as: "201", "409 OUT_OF_STOCK", "503 BUSY", "ERR ECONNRESET", ... */
export type { Outcome };

export type LoadSpec<P> = {
  label: string;
  workers: number;
  /** Stop issuing after this long (timed cells) ... */
  durationMs?: number;
  /** ... or after this many requests in total (sell-out cells). */
  totalRequests?: number;
  /** Untimed work before each request (e.g. filling the shopper's cart). */
  prepare: (worker: number, seq: number) => Promise<P>;
  /** The timed request. Throwing counts as "ERR <message>". */
  send: (worker: number, prepared: P, seq: number) => Promise<Outcome>;
};

export type LoadResult = {
  elapsedS: number;
  requests: number;
  ok: number;
  latencies: number[];
  byCode: Record<string, number[]>;
  /** Share of the cell this process's event loop was busy (0-1): near 1, the bench process itself was the bottleneck. */
  eventLoopUtilization: number;
  /**
   * CPU this process used during the cell (user + system, process.cpuUsage), in cores: over
   * HTTP it is the load generator's own cost, taken from the same cores the servers run on.
   */
  clientCpu: number;
};

const progressEvery = process.stderr.isTTY ? 250 : 2_000;

function progress(label: string, started: number, done: number, ok: number, final = false) {
  const line = `  ${label.padEnd(34)} ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s  ${String(done).padStart(7)} requests  ${String(ok).padStart(7)} orders`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${final ? "\n" : ""}`);
  else process.stderr.write(`${line}\n`);
}

/** Runs `workers` closed loops (each waits for its answer before the next request). */
export async function runLoad<P>(spec: LoadSpec<P>): Promise<LoadResult> {
  if (spec.durationMs === undefined && spec.totalRequests === undefined) throw new Error("runLoad needs durationMs or totalRequests");
  const latencies: number[] = [];
  const byCode: Record<string, number[]> = {};
  let issued = 0;
  let ok = 0;
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const deadline = spec.durationMs === undefined ? Infinity : started + spec.durationMs;
  const more = () => performance.now() < deadline && (spec.totalRequests === undefined || issued < spec.totalRequests);
  const timer = setInterval(() => progress(spec.label, started, latencies.length, ok), progressEvery);

  const worker = async (w: number) => {
    while (more()) {
      const seq = issued++;
      const prepared = await spec.prepare(w, seq);
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await spec.send(w, prepared, seq);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        outcome = { code: `ERR ${err.code ?? err.message}`, ok: false };
      }
      const ms = performance.now() - t0;
      latencies.push(ms);
      (byCode[outcome.code] ??= []).push(ms);
      if (outcome.ok) ok++;
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.workers }, (_, w) => worker(w)));
  } finally {
    clearInterval(timer);
  }
  progress(spec.label, started, latencies.length, ok, true);
  const used = process.cpuUsage(cpu);
  const elapsedS = (performance.now() - started) / 1000;
  return {
    elapsedS,
    requests: latencies.length,
    ok,
    latencies,
    byCode,
    eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
    clientCpu: (used.user + used.system) / 1e6 / elapsedS,
  };
}
