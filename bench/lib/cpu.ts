import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time per process from /proc/<pid>/stat (Linux), so a cell can say how many CPU
 * milliseconds each server-side process spent per order. Unlike throughput on shared cores,
 * CPU per order does not depend on who else got the cores.
 */

/** The server-side processes a cell is charged to. `nginx` is absent where the front is not in the path. */
export const ROLES = ["app", "mariadb", "redis", "nginx"] as const;
export type Role = (typeof ROLES)[number];
/**
 * `appMainThread`: of `app`, what the app processes' main threads spent (Node's event loop: the
 * request path and the collector's pauses); the rest of `app` is their other threads (V8's
 * parallel and concurrent collector and compiler, libuv's pool).
 */
export type CpuPerUnit = Record<Role, number | null> & { total: number; appMainThread?: number | null };
/** Which pids each role samples: a function, so worker processes started or restarted since are found. */
export type CpuRoles = Partial<Record<Role, () => number[]>>;

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export type ProcStat = { pid: number; comm: string; ppid: number; utime: number; stime: number };

/**
 * One /proc/<pid>/stat line. The command name sits in parentheses and may itself hold spaces
 * and parentheses, so the fields are counted from the last ")". utime and stime (fields 14 and
 * 15) are in clock ticks and cover this process's threads, not its children's.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  // Fields after the name start at field 3 (state): ppid is field 4, utime 14, stime 15.
  const rest = line.slice(close + 2).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const stat = { pid: Number(line.slice(0, open).trim()), comm: line.slice(open + 1, close), ppid: field(4), utime: field(14), stime: field(15) };
  if ([stat.pid, stat.ppid, stat.utime, stat.stime].some((x) => !Number.isInteger(x))) throw new Error(`unreadable /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  return stat;
}

function readStat(pid: number, file = `/proc/${pid}/stat`): ProcStat | null {
  try {
    return parseProcStat(readFileSync(file, "utf8"));
  } catch {
    // The process has exited since it was listed.
    return null;
  }
}

/** CPU milliseconds (user + system) a process has used since it started; 0 once it is gone. */
export function cpuMs(pid: number): number {
  return statMs(readStat(pid));
}

/** The same for the process's main thread alone (its thread id is its pid). */
export function mainThreadMs(pid: number): number {
  return statMs(readStat(pid, `/proc/${pid}/task/${pid}/stat`));
}

const statMs = (s: ProcStat | null) => (s ? ((s.utime + s.stime) * 1000) / CLOCK_TICKS_PER_S : 0);

/** `pid` and every process below it (a launcher's workers, nginx's master and workers). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) (children.get(s.ppid) ?? children.set(s.ppid, []).get(s.ppid)!).push(s.pid);
  }
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

/** Every running process with this command name (e.g. the shared `mariadbd`), for when the bench does not own it. */
export function pidsNamed(comm: string): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map((e) => readStat(Number(e)))
    .filter((s): s is ProcStat => s !== null && s.comm === comm)
    .map((s) => s.pid);
}

/** CPU ms per pid, per role, at one instant; `appMainThread` the app processes' main threads. */
export type CpuSample = Partial<Record<Role, Map<number, number>>> & { appMainThread?: Map<number, number> };

export function sampleCpu(roles: CpuRoles): CpuSample {
  const sample: CpuSample = {};
  for (const role of ROLES) {
    const pids = roles[role]?.();
    if (!pids) continue;
    sample[role] = new Map(pids.map((pid) => [pid, cpuMs(pid)]));
    if (role === "app") sample.appMainThread = new Map(pids.map((pid) => [pid, mainThreadMs(pid)]));
  }
  return sample;
}

/** CPU ms the pids of `after` spent since `before`: one started since counts from 0, one that exited (reads 0) not at all. */
function spentMs(before: Map<number, number> | undefined, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) if (now > 0) ms += Math.max(0, now - (before?.get(pid) ?? 0));
  return ms;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * CPU ms per unit (order, or request for the ceilings) each role spent between two samples.
 * A pid only in `after` started inside the window and counts from 0; a pid gone by `after`
 * (it exited) is left out, as its last ticks cannot be read. A role not sampled is null, and
 * `total` sums the roles that were.
 */
export function cpuPerUnit(before: CpuSample, after: CpuSample, units: number): CpuPerUnit {
  const out = { app: null, mariadb: null, redis: null, nginx: null, total: 0 } as CpuPerUnit;
  let total = 0;
  for (const role of ROLES) {
    const a = after[role];
    if (!a) continue;
    const ms = spentMs(before[role], a);
    out[role] = units > 0 ? round(ms / units) : null;
    total += ms;
  }
  out.total = units > 0 ? round(total / units) : 0;
  if (after.appMainThread) out.appMainThread = units > 0 ? round(spentMs(before.appMainThread, after.appMainThread) / units) : null;
  return out;
}
