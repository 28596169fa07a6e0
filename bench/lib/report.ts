import os from "node:os";
import { getPool } from "@/db";
import { summarize, type LatencySummary } from "./stats";
import type { LoadResult } from "./load";
import type { CheckoutMetrics } from "@/tests/support/prometheus";
import type { CpuPerUnit } from "./cpu";

export type CellKind = "checkout" | "raw-update" | "noop-route" | "action" | "route";

export type Cell = {
  kind: CellKind;
  strategy: string | null;
  scenario: string;
  mode: string;
  W: number;
  /** Server worker processes behind the port (http: scripts/start.mjs's WEB_CONCURRENCY); 1 in service mode. */
  workers: number;
  elapsedS: number;
  requests: number;
  ok: number;
  ordersPerS: number;
  requestsPerS: number;
  latency: LatencySummary;
  latencyByCode: Record<string, LatencySummary>;
  outcomes: Record<string, number>;
  metrics: CheckoutMetrics | null;
  optimisticRetriesPerOrder: number | null;
  /** Batched strategy: how many orders each batch transaction carried. Null for the other strategies. */
  batch: BatchSummary | null;
  /** Orders placed (201) and orders refused for stock (409 OUT_OF_STOCK), timed apart: losers should be cheap. */
  winners: LatencySummary | null;
  losers: LatencySummary | null;
  /**
   * How busy the bench process's event loop was (0-1). In service mode this process is also the
   * server, so near 1 means checkout was bound by one Node process's CPU; in http mode it is the
   * load generator's.
   */
  eventLoopUtilization: number;
  /** CPU the bench process itself used during the cell, in cores (1.0 = one core busy). */
  clientCpu: number;
  /**
   * CPU milliseconds each server-side process spent per order placed (per request for the
   * ceilings: the raw UPDATE, the trivial route or call), from /proc over the measured window;
   * `app` is the launcher and its workers (http) or the service process, null for the raw
   * UPDATE; `nginx` null where the front is not in the path; `total` their sum.
   */
  cpuMsPerUnit: CpuPerUnit & {
    /** MariaDB's statement counters per unit (Questions, select, insert, update, commit, Handler_*), with the bench's own server only. */
    statements?: Record<string, number>;
  };
  /** 1-minute load average when the cell ended: above the core count, the cell was measured on a busy machine. */
  loadAverage: number;
  /** Anything that should not happen: invariant violations and unexpected response codes. */
  problems: string[];
};

export type BatchSummary = { batches: number; orders: number; meanSize: number; sizes: Record<string, number> };

export function batchSummary(m: CheckoutMetrics | null): BatchSummary | null {
  if (!m?.batches || !m.batchSizes) return null;
  return { batches: m.batches, orders: m.batchedOrders ?? 0, meanSize: round((m.batchedOrders ?? 0) / m.batches, 1), sizes: { ...m.batchSizes } };
}

export function toCell(
  base: Pick<Cell, "kind" | "strategy" | "scenario" | "mode" | "W"> & { workers?: number },
  load: LoadResult,
  metrics: CheckoutMetrics | null,
  problems: string[],
  cpuMsPerUnit: CpuPerUnit,
): Cell {
  const outcomes = Object.fromEntries(Object.entries(load.byCode).map(([code, l]) => [code, l.length]));
  return {
    ...base,
    workers: base.workers ?? 1,
    elapsedS: round(load.elapsedS, 3),
    requests: load.requests,
    ok: load.ok,
    ordersPerS: round(load.ok / load.elapsedS, 1),
    requestsPerS: round(load.requests / load.elapsedS, 1),
    latency: summarize(load.latencies),
    latencyByCode: Object.fromEntries(Object.entries(load.byCode).map(([code, l]) => [code, summarize(l)])),
    outcomes,
    metrics,
    optimisticRetriesPerOrder: metrics ? round(metrics.optimisticRetries / Math.max(1, metrics.orders), 2) : null,
    batch: batchSummary(metrics),
    winners: load.byCode["201"] ? summarize(load.byCode["201"]) : null,
    losers: load.byCode["409 OUT_OF_STOCK"] ? summarize(load.byCode["409 OUT_OF_STOCK"]) : null,
    eventLoopUtilization: round(load.eventLoopUtilization, 2),
    clientCpu: round(load.clientCpu, 2),
    cpuMsPerUnit,
    loadAverage: round(os.loadavg()[0]!, 2),
    problems,
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export type Machine = {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverageAtStart: number[];
  node: string;
  os: string;
  mariadb: Record<string, string>;
};

export async function describeMachine(): Promise<Machine> {
  const [rows] = await getPool().query(
    `SELECT VERSION() AS version, @@innodb_flush_log_at_trx_commit AS innodb_flush_log_at_trx_commit,
       @@innodb_buffer_pool_size AS innodb_buffer_pool_size, @@innodb_log_file_size AS innodb_log_file_size,
       @@innodb_flush_method AS innodb_flush_method, @@innodb_doublewrite AS innodb_doublewrite,
       @@log_bin AS log_bin, @@sync_binlog AS sync_binlog, @@global.tx_isolation AS tx_isolation,
       @@innodb_lock_wait_timeout AS innodb_lock_wait_timeout, @@max_connections AS max_connections`,
  );
  const mariadb = Object.fromEntries(Object.entries((rows as Record<string, unknown>[])[0]!).map(([k, v]) => [k, String(v)]));
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    mariadb,
  };
}

const ms = (x: number) => (Number.isNaN(x) ? "-" : x < 10 ? x.toFixed(1) : x.toFixed(0));
const rate = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const outcomesText = (o: Record<string, number>) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code}: ${n}`)
    .join(", ");

const pair = (l: LatencySummary | null) => (l ? `${ms(l.p50)} / ${ms(l.p99)}` : "-");
const batchText = (b: BatchSummary | null) => (b ? `${b.meanSize} (${Object.values(b.sizes).join(" / ")})` : "-");

export const MODE_TITLES: Record<string, string> = {
  http: "HTTP: POST /api/orders on the production launcher (scripts/start.mjs: WEB_CONCURRENCY next start workers)",
  service: "Service: placeOrder in a service process of its own, no HTTP",
};

const cpu = (c: Cell) => c.clientCpu.toFixed(2);
/** CPU milliseconds as the tables print them: three decimals, "-" where a process is not in the path. */
export const cpuMs = (x: number | null) => (x === null ? "-" : x.toFixed(3));
/** Server-side CPU ms per order: app + MariaDB + Redis (+ nginx) = total. */
const cpuPerOrder = (c: Cell) => {
  const u = c.cpuMsPerUnit;
  return `${[u.app, u.mariadb, u.redis, u.nginx].filter((x) => x !== null).map(cpuMs).join(" + ")} = ${cpuMs(u.total)}`;
};

function ceilings(cells: Cell[]): string[] {
  const Ws = [...new Set(cells.map((c) => c.W))].sort((a, b) => a - b);
  const workerCounts = [...new Set(cells.filter((c) => c.kind === "noop-route").map((c) => c.workers))].sort((a, b) => a - b);
  const raw = new Map(cells.filter((c) => c.kind === "raw-update").map((c) => [c.W, c]));
  const noop = new Map(cells.filter((c) => c.kind === "noop-route").map((c) => [`${c.workers}/${c.W}`, c]));
  if (raw.size + noop.size === 0) return [];
  const out = [
    "#### Ceilings",
    "",
    `| W | raw UPDATE /s | raw p50 / p99 ms | ${workerCounts.map((n) => (cells.some((c) => c.mode === "service") ? "trivial call (IPC) /s | p50 / p99 ms | bench CPU" : `trivial route req/s, ${n} worker${n === 1 ? "" : "s"} | p50 / p99 ms | bench CPU`)).join(" | ")}${workerCounts.length ? " |" : ""}`,
    `|---:|---:|---:|${workerCounts.map(() => "---:|---:|---:|").join("")}`,
  ];
  for (const W of Ws) {
    const r = raw.get(W);
    const floors = workerCounts.map((n) => noop.get(`${n}/${W}`));
    if (!r && floors.every((n) => !n)) continue;
    out.push(
      `| ${W} | ${r ? rate(r.ordersPerS) : "-"} | ${r ? pair(r.latency) : "-"} | ` +
        floors.map((n) => (n ? `${rate(n.requestsPerS)} | ${pair(n.latency)} | ${cpu(n)}` : "- | - | -")).join(" | ") +
        (floors.length ? " |" : ""),
    );
  }
  out.push("");
  return out;
}

function scenarioTable(cells: Cell[], scenario: string): string[] {
  const raw = new Map(cells.filter((c) => c.kind === "raw-update").map((c) => [c.W, c]));
  const order = [...new Set(cells.map((c) => c.strategy))];
  const rows = cells
    .filter((c) => c.kind === "checkout" && c.scenario === scenario)
    .sort((a, b) => order.indexOf(a.strategy) - order.indexOf(b.strategy) || a.workers - b.workers || a.W - b.W);
  const split = scenario === "sellout";
  const out = [
    `#### ${scenario}`,
    "",
    `| strategy | workers | W | orders/s | req/s | p50 ms | p95 ms | p99 ms | ${split ? "winners p50 / p99 ms | losers p50 / p99 ms | " : ""}opt. retries/order | tx retries | batch mean (1 / 2-4 / 5-16 / 17-64) | outcomes | vs raw UPDATE | CPU ms/order app + db + redis (+ nginx) | bench ELU | bench CPU | load | invariants |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|${split ? "---:|---:|" : ""}---:|---:|---:|---|---:|---:|---:|---:|---:|---|`,
  ];
  for (const c of rows) {
    const r = raw.get(c.W);
    const ratio = scenario === "hot" && r && r.ordersPerS > 0 ? `${(c.ordersPerS / r.ordersPerS).toFixed(2)}x` : "";
    const ok = c.problems.length === 0 ? "ok" : `**FAILED** (${c.problems.length})`;
    out.push(
      `| ${c.strategy} | ${c.workers} | ${c.W} | ${rate(c.ordersPerS)} | ${rate(c.requestsPerS)} | ${ms(c.latency.p50)} | ${ms(c.latency.p95)} | ${ms(c.latency.p99)} | ` +
        `${split ? `${pair(c.winners)} | ${pair(c.losers)} | ` : ""}${c.optimisticRetriesPerOrder ?? "-"} | ${c.metrics?.txRetries ?? "-"} | ${batchText(c.batch)} | ${outcomesText(c.outcomes)} | ${ratio} | ${cpuPerOrder(c)} | ${c.eventLoopUtilization.toFixed(2)} | ${cpu(c)} | ${c.loadAverage.toFixed(1)} | ${ok} |`,
    );
  }
  out.push("");
  return out;
}

/**
 * Over HTTP, every cell measured at more than one worker count: the rate at the fewest workers,
 * at the most, and the ratio (orders/s for checkouts, req/s for the trivial route). The worker
 * counts run one after the other, so the load average beside each says whether the machine
 * stayed as quiet in between.
 */
export function scalingTable(cells: Cell[]): string[] {
  const http = cells.filter((c) => c.mode === "http" && (c.kind === "checkout" || c.kind === "noop-route"));
  const counts = [...new Set(http.map((c) => c.workers))].sort((a, b) => a - b);
  if (counts.length < 2) return [];
  const [lo, hi] = [counts[0]!, counts[counts.length - 1]!];
  const key = (c: Cell) => `${c.kind}|${c.strategy ?? ""}|${c.scenario}|${c.W}`;
  const at = (n: number) => new Map(http.filter((c) => c.workers === n).map((c) => [key(c), c]));
  const [a, b] = [at(lo), at(hi)];
  const value = (c: Cell) => (c.kind === "noop-route" ? c.requestsPerS : c.ordersPerS);
  const out = [
    `### Scaling over HTTP: ${lo} worker${lo === 1 ? "" : "s"} -> ${hi} workers`,
    "",
    `| what | scenario | W | ${lo}w /s | ${lo}w p99 ms | ${hi}w /s | ${hi}w p99 ms | scaling | vs trivial route at ${hi}w | bench CPU ${lo}w / ${hi}w | load ${lo}w / ${hi}w |`,
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [k, one] of a) {
    const many = b.get(k);
    if (!many) continue;
    const floor = one.kind === "checkout" ? b.get(`noop-route||hot|${one.W}`) : undefined;
    const vsFloor = floor && floor.requestsPerS > 0 ? `${(value(many) / floor.requestsPerS).toFixed(2)}x` : "";
    out.push(
      `| ${one.kind === "noop-route" ? "trivial route" : one.strategy} | ${one.scenario} | ${one.W} | ${rate(value(one))} | ${ms(one.latency.p99)} | ${rate(value(many))} | ${ms(many.latency.p99)} | ` +
        `${value(one) > 0 ? `${(value(many) / value(one)).toFixed(2)}x` : "-"} | ${vsFloor} | ${cpu(one)} / ${cpu(many)} | ${one.loadAverage.toFixed(1)} / ${many.loadAverage.toFixed(1)} |`,
    );
  }
  out.push("");
  return out;
}

const statementsText = (s?: Record<string, number>) => (s ? `${s.Questions} (${s.select} / ${s.insert} / ${s.update} / ${s.commit})` : "-");

const KIND_NAMES: Partial<Record<CellKind, string>> = { "raw-update": "raw one-row UPDATE", action: "server action", route: "route handler" };

/**
 * CPU per order (per request for the ceilings) of every cell, per process: the table issue 39's
 * targets are read from. In service mode `app` is the service process alone (the load client and
 * its cart refills are the bench's, not counted); `mariadb` and `redis` are only this bench's own
 * when it started them (`--services own`).
 */
export function cpuTable(cells: Cell[]): string[] {
  if (cells.length === 0) return [];
  const out = [
    "### CPU per order, per process (ms; per request for the ceilings)",
    "",
    "| mode | what | scenario | workers | W | orders or req /s | app | MariaDB | Redis | nginx | total | MariaDB statements (select / insert / update / commit) | bench client CPU (cores) |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
  ];
  for (const c of cells) {
    const what = c.kind === "noop-route" ? (c.mode === "service" ? "trivial call (IPC)" : "trivial route") : (KIND_NAMES[c.kind] ?? c.strategy ?? c.kind);
    const perS = c.kind === "raw-update" || c.kind === "noop-route" ? c.requestsPerS : c.ordersPerS;
    const u = c.cpuMsPerUnit;
    out.push(`| ${c.mode} | ${what} | ${c.scenario} | ${c.workers} | ${c.W} | ${rate(perS)} | ${cpuMs(u.app)} | ${cpuMs(u.mariadb)} | ${cpuMs(u.redis)} | ${cpuMs(u.nginx)} | **${cpuMs(u.total)}** | ${statementsText(u.statements)} | ${cpu(c)} |`);
  }
  out.push("");
  return out;
}

/** The markdown report: per mode the ceilings and one table per scenario, the server-action comparison, the targets. */
export function markdown(cells: Cell[], targets: string[]): string {
  const out: string[] = [];
  for (const mode of [...new Set(cells.filter((c) => c.kind === "checkout" || c.kind === "raw-update").map((c) => c.mode))]) {
    const mine = cells.filter((c) => c.mode === mode && c.kind !== "action" && c.kind !== "route");
    out.push(`### ${MODE_TITLES[mode] ?? mode}`, "", ...ceilings(mine));
    for (const scenario of [...new Set(mine.filter((c) => c.kind === "checkout").map((c) => c.scenario))]) out.push(...scenarioTable(mine, scenario));
  }
  out.push(...scalingTable(cells));
  out.push(...cpuTable(cells));
  const pairs = cells.filter((c) => c.kind === "action");
  if (pairs.length > 0) {
    out.push(
      "### Server action vs route handler (hot, first strategy)",
      "",
      "| W | route orders/s | route p50 / p99 ms | action orders/s | action p50 / p99 ms | action overhead (p50) |",
      "|---:|---:|---:|---:|---:|---:|",
    );
    for (const a of pairs) {
      const r = cells.find((c) => c.kind === "route" && c.W === a.W);
      const overhead = r ? `${(a.latency.p50 - r.latency.p50).toFixed(1)} ms (${(a.latency.p50 / r.latency.p50).toFixed(1)}x)` : "-";
      out.push(`| ${a.W} | ${r ? rate(r.ordersPerS) : "-"} | ${r ? pair(r.latency) : "-"} | ${rate(a.ordersPerS)} | ${pair(a.latency)} | ${overhead} |`);
    }
    out.push("");
  }
  if (targets.length > 0) out.push("### Targets", "", ...targets.map((a) => `- ${a}`), "");
  return out.join("\n");
}

export function machineMarkdown(m: Machine): string {
  const d = m.mariadb;
  return [
    `- ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}; load average at start ${m.loadAverageAtStart.join(" / ")}`,
    `- MariaDB ${d.version}: innodb_flush_log_at_trx_commit=${d.innodb_flush_log_at_trx_commit}, innodb_buffer_pool_size=${Math.round(Number(d.innodb_buffer_pool_size) / 2 ** 20)} MiB, ` +
      `innodb_log_file_size=${Math.round(Number(d.innodb_log_file_size) / 2 ** 20)} MiB, innodb_flush_method=${d.innodb_flush_method}, innodb_doublewrite=${d.innodb_doublewrite}, ` +
      `log_bin=${d.log_bin}, sync_binlog=${d.sync_binlog}, server default isolation ${d.tx_isolation} (the app's sessions use READ COMMITTED), innodb_lock_wait_timeout=${d.innodb_lock_wait_timeout} s`,
  ].join("\n");
}
