import type { CpuRatio } from "./cpu-ratio";
import { cpuMs, type Cell } from "./report";

/** One acceptance target and how the run did against it; `met` is null when the run lacked the cells. */
export type Verdict = { target: string; met: boolean | null; detail: string };

const W = 64;
const x = (a: number, b: number) => (b > 0 ? a / b : Number.POSITIVE_INFINITY);
const times = (r: number) => (Number.isFinite(r) ? `${r.toFixed(1)}x` : "inf");

/** At `workers` server processes; by default the fewest measured (1: the figures before issue 16). */
function find(cells: Cell[], mode: string, kind: Cell["kind"], scenario: string, strategy: string | null, workers?: number) {
  const n = workers ?? Math.min(...cells.filter((c) => c.mode === mode).map((c) => c.workers));
  return cells.find((c) => c.mode === mode && c.kind === kind && c.scenario === scenario && c.W === W && c.strategy === strategy && c.workers === n);
}

/** Issue 16's baselines, measured before it on this machine (hot and sell-out, W = 64). */
const BEFORE = { serviceConditional: 479, httpLoserP50Ms: 103 };

const missing = (target: string, what: string): Verdict => ({ target, met: null, detail: `not measured (needs ${what})` });

/**
 * Issue 6's and issue 8's targets, checked against this run's cells. All at W = 64. "Losers
 * answered N x faster" compares the median latency of 409 OUT_OF_STOCK answers; p99 is shown too.
 */
export function verdicts(cells: Cell[], ratios: CpuRatio[] = []): Verdict[] {
  const out: Verdict[] = [];
  const modes = [...new Set(cells.map((c) => c.mode))];

  for (const mode of modes.filter((m) => m === "http" || m === "service")) {
    const target = `${mode}, hot, W=${W}: conditional beats optimistic on orders/s and p99 (issue 6)`;
    const a = find(cells, mode, "checkout", "hot", "conditional");
    const b = find(cells, mode, "checkout", "hot", "optimistic");
    if (!a || !b) {
      if (mode === "http") out.push(missing(target, "conditional and optimistic hot cells"));
      continue;
    }
    out.push({
      target,
      met: a.ordersPerS > b.ordersPerS && a.latency.p99 < b.latency.p99,
      detail: `conditional ${a.ordersPerS} orders/s, p99 ${a.latency.p99} ms; optimistic ${b.ordersPerS} orders/s, p99 ${b.latency.p99} ms`,
    });
  }

  const sb = find(cells, "service", "checkout", "hot", "batched");
  for (const [other, factor] of [["conditional", 3], ["optimistic", 15]] as const) {
    const target = `service, hot, W=${W}: batched >= ${factor}x ${other}`;
    const o = find(cells, "service", "checkout", "hot", other);
    if (!sb || !o) out.push(missing(target, `service-mode hot cells for batched and ${other}`));
    else out.push({ target, met: x(sb.ordersPerS, o.ordersPerS) >= factor, detail: `${sb.ordersPerS} vs ${o.ordersPerS} orders/s = ${times(x(sb.ordersPerS, o.ordersPerS))}` });
  }

  // Issue 28: the hot SKU's stock over three locations against one location, same run.
  for (const mode of ["service", "http"] as const) {
    const target = `${mode}, hot, W=${W}: batched with stock over 3 locations >= 0.8x one location`;
    const one = find(cells, mode, "checkout", "hot", "batched");
    const three = find(cells, mode, "checkout", "hot3", "batched");
    if (!one || !three) {
      if (mode === "service") out.push(missing(target, "the batched hot and hot3 cells"));
    } else out.push({ target, met: x(three.ordersPerS, one.ordersPerS) >= 0.8, detail: `${three.ordersPerS} vs ${one.ordersPerS} orders/s = ${x(three.ordersPerS, one.ordersPerS).toFixed(2)}x` });
  }

  // Issue 16: the service path against the raw one-row UPDATE of the same run, and conditional against its figure before.
  {
    const target = `service, hot, W=${W}: batched >= 0.8x the raw one-row UPDATE`;
    const raw = find(cells, "service", "raw-update", "hot", null);
    if (!sb || !raw) out.push(missing(target, "the service batched hot cell and the raw UPDATE ceiling"));
    else out.push({ target, met: x(sb.ordersPerS, raw.ordersPerS) >= 0.8, detail: `${sb.ordersPerS} vs ${raw.ordersPerS} /s = ${x(sb.ordersPerS, raw.ordersPerS).toFixed(2)}x` });
  }
  {
    const target = `service, hot, W=${W}: conditional >= 2x its ${BEFORE.serviceConditional} orders/s before issue 16`;
    const c = find(cells, "service", "checkout", "hot", "conditional");
    if (!c) out.push(missing(target, "the service conditional hot cell"));
    else out.push({ target, met: c.ordersPerS >= 2 * BEFORE.serviceConditional, detail: `${c.ordersPerS} orders/s = ${times(c.ordersPerS / BEFORE.serviceConditional)}` });
  }

  // Issue 16 over HTTP: at the most workers measured (the cores, by default).
  const N = Math.max(0, ...cells.filter((c) => c.mode === "http").map((c) => c.workers));
  const hb = find(cells, "http", "checkout", "hot", "batched", N);
  const floor = find(cells, "http", "noop-route", "hot", null, N);
  {
    const target = `http, hot, W=${W}, ${N} workers: batched >= 1,000 orders/s`;
    if (!hb) out.push(missing(target, "the http batched hot cell"));
    else out.push({ target, met: hb.ordersPerS >= 1000, detail: `${hb.ordersPerS} orders/s` });
  }
  {
    const target = `http, hot, W=${W}, ${N} workers: batched >= 0.8x the trivial route at the same workers`;
    if (!hb || !floor) out.push(missing(target, "the http batched hot cell and the trivial-route ceiling"));
    else
      out.push({
        target,
        met: x(hb.ordersPerS, floor.requestsPerS) >= 0.8,
        detail: `${hb.ordersPerS} orders/s vs ${floor.requestsPerS} req/s = ${x(hb.ordersPerS, floor.requestsPerS).toFixed(2)}x`,
      });
  }
  {
    const target = `http, hot, W=${W}, ${N} workers: batched p99 <= 150 ms`;
    if (!hb) out.push(missing(target, "the http batched hot cell"));
    else out.push({ target, met: hb.latency.p99 <= 150, detail: `p99 ${hb.latency.p99} ms (p50 ${hb.latency.p50} ms)` });
  }
  {
    const target = `http, sell-out, W=${W}, ${N} workers: batched losers' p50 <= half of ${BEFORE.httpLoserP50Ms} ms before issue 16`;
    const l = find(cells, "http", "checkout", "sellout", "batched", N)?.losers;
    if (!l) out.push(missing(target, "the http batched sell-out cell with losers"));
    else out.push({ target, met: l.p50 <= BEFORE.httpLoserP50Ms / 2, detail: `loser p50 ${l.p50} ms, p99 ${l.p99} ms` });
  }

  out.push(...cpuVerdicts(cells, ratios));

  for (const mode of modes.filter((m) => m === "http" || m === "service")) {
    const target = `${mode}, sell-out, W=${W}: losers answered >= 5x faster with batched than with conditional (median)`;
    const b = find(cells, mode, "checkout", "sellout", "batched")?.losers;
    const c = find(cells, mode, "checkout", "sellout", "conditional")?.losers;
    if (!b || !c) {
      out.push(missing(target, `${mode} sell-out cells for batched and conditional with losers`));
      continue;
    }
    out.push({
      target,
      met: x(c.p50, b.p50) >= 5,
      detail: `loser p50 ${b.p50} vs ${c.p50} ms = ${times(x(c.p50, b.p50))}; p99 ${b.p99} vs ${c.p99} ms = ${times(x(c.p99, b.p99))}`,
    });
  }
  return out;
}

/** Issue 39's CPU targets: per process, from /proc over each cell's window. */
function cpuVerdicts(cells: Cell[], ratios: CpuRatio[]): Verdict[] {
  const out: Verdict[] = [];
  const sb = find(cells, "service", "checkout", "hot", "batched");
  const raw = find(cells, "service", "raw-update", "hot", null);
  {
    const target = `service, hot, W=${W}: batched costs all server-side processes together <= 0.35 ms of CPU per order (issue 39)`;
    const u = sb?.cpuMsPerUnit;
    if (!u) out.push(missing(target, "the service batched hot cell"));
    else out.push({ target, met: u.total <= 0.35, detail: `app ${cpuMs(u.app)} + MariaDB ${cpuMs(u.mariadb)} + Redis ${cpuMs(u.redis)} = ${cpuMs(u.total)} ms` });
  }
  {
    const target = `service, hot, W=${W}: batched's MariaDB CPU per order <= 1.0x the raw UPDATE's per statement (issue 39)`;
    const [order, statement] = [sb?.cpuMsPerUnit.mariadb, raw?.cpuMsPerUnit.mariadb];
    if (order == null || statement == null) out.push(missing(target, "the service batched hot cell and the raw UPDATE ceiling"));
    else out.push({ target, met: order <= statement, detail: `${cpuMs(order)} vs ${cpuMs(statement)} ms = ${x(order, statement).toFixed(2)}x` });
  }
  for (const workers of [...new Set(cells.filter((c) => c.mode === "http").map((c) => c.workers))]) {
    const target = `http, hot, W=${W}, ${workers} worker(s): app CPU per batched checkout <= 1.3x per trivial-route request (issue 39)`;
    const r = ratios.find((q) => q.strategy === "batched" && q.workers === workers && q.W === W);
    const b = find(cells, "http", "checkout", "hot", "batched", workers)?.cpuMsPerUnit.app;
    const t = find(cells, "http", "noop-route", "hot", null, workers)?.cpuMsPerUnit.app;
    const cellsAlone = b != null && t != null ? `; the two cells alone ${cpuMs(b)} vs ${cpuMs(t)} ms = ${x(b, t).toFixed(2)}x` : "";
    const waiting = r?.waiting ? `; a request held as long (${r.waiting.heldMs.toFixed(0)} ms) doing nothing ${r.waiting.overTrivial.toFixed(2)}x` : "";
    if (r) out.push({ target, met: r.pooled <= 1.3, detail: `${r.pooled.toFixed(2)}x pooled over ${r.rounds.length} alternating rounds${r.warmUpRounds ? ` after ${r.warmUpRounds} untimed` : ""} (each ${r.perRound.map((p) => p.toFixed(2)).join(", ")})${waiting}${cellsAlone}` });
    else if (b != null && t != null) out.push({ target, met: x(b, t) <= 1.3, detail: `${cpuMs(b)} vs ${cpuMs(t)} ms = ${x(b, t).toFixed(2)}x (separate cells; --ratio-rounds alternates them)` });
    else out.push(missing(target, "the http batched hot cell and the trivial route, or the alternating slices"));
  }
  return out;
}

export const verdictLine = (v: Verdict) => `${v.met === null ? "n/a" : v.met ? "**met**" : "**MISSED**"}: ${v.target}. ${v.detail}`;
