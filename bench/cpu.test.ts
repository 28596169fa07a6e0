import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cpuMs, cpuPerUnit, mainThreadMs, parseProcStat, processTree, sampleCpu, type CpuSample } from "./lib/cpu";

// A real line from /proc/<pid>/stat (mariadbd), with utime 4821 and stime 1377 ticks.
const MARIADBD = "812 (mariadbd) S 1 812 812 0 -1 4194624 41934 0 11 0 4821 1377 0 0 20 0 49 0 1683 1742131200 52173 18446744073709551615 1 1 0 0 0 0 552967 4096 1609 0 0 0 17 1 0 0 0 0 0";

describe("parseProcStat", () => {
  it("reads pid, name, parent and the user and system ticks (fields 14 and 15)", () => {
    expect(parseProcStat(MARIADBD)).toEqual({ pid: 812, comm: "mariadbd", ppid: 1, utime: 4821, stime: 1377 });
  });

  it("counts fields from the last parenthesis, so a name with spaces and parentheses does not shift them", () => {
    const line = MARIADBD.replace("(mariadbd)", "(next-server (v16) x)");
    expect(parseProcStat(line)).toMatchObject({ comm: "next-server (v16) x", ppid: 1, utime: 4821, stime: 1377 });
  });

  it("refuses what is not a stat line rather than reading zeros", () => {
    expect(() => parseProcStat("")).toThrow();
    expect(() => parseProcStat("812 (mariadbd) S 1")).toThrow();
  });

  it("reads this very process, whose CPU only grows", () => {
    const before = cpuMs(process.pid);
    // Busy until the next clock tick is counted (10 ms at CLK_TCK 100), however loaded the machine.
    let x = 0;
    const until = Date.now() + 5_000;
    // do/while: the process's other threads may already have moved the figure before the first check.
    do for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + 1);
    while (cpuMs(process.pid) === before && Date.now() < until);
    expect(x).toBeGreaterThan(0);
    expect(cpuMs(process.pid)).toBeGreaterThan(before);
    expect(cpuMs(2 ** 22 + 1)).toBe(0);
  });

  it("reads a process's main thread apart from its other threads", async () => {
    // A worker thread burns CPU the main thread does not: the process's figure grows, the main thread's far less.
    const { Worker } = await import("node:worker_threads");
    const main0 = mainThreadMs(process.pid);
    const all0 = cpuMs(process.pid);
    // Until the process has used 300 ms more CPU, however loaded the machine (the main thread only waits meanwhile).
    const worker = new Worker("const t = process.cpuUsage(); let x = 0; while ((u => u.user + u.system)(process.cpuUsage(t)) < 300000) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + 1);", { eval: true });
    await new Promise((r) => worker.once("exit", r));
    const main = mainThreadMs(process.pid) - main0;
    const all = cpuMs(process.pid) - all0;
    expect(all).toBeGreaterThanOrEqual(250);
    expect(main).toBeLessThan(all - 200);
    expect(mainThreadMs(2 ** 22 + 1)).toBe(0);
  });
});

describe("processTree", () => {
  it("holds a process and the processes it started, and not its parent", async () => {
    const child = spawn("sleep", ["5"]);
    try {
      await new Promise((r) => child.once("spawn", r));
      const tree = processTree(process.pid);
      expect(tree[0]).toBe(process.pid);
      expect(tree).toContain(child.pid);
      expect(tree).not.toContain(process.ppid);
      expect(processTree(child.pid!)).toEqual([child.pid]);
    } finally {
      child.kill();
    }
  });
});

describe("cpuPerUnit", () => {
  const sample = (roles: CpuSample) => roles;

  it("divides each role's CPU over the window by the units, and sums the roles it sampled", () => {
    const before = sample({ app: new Map([[10, 1000], [11, 500]]), mariadb: new Map([[20, 8000]]), redis: new Map([[30, 100]]) });
    const after = sample({ app: new Map([[10, 1600], [11, 900]]), mariadb: new Map([[20, 9000]]), redis: new Map([[30, 300]]) });
    expect(cpuPerUnit(before, after, 2000)).toEqual({ app: 0.5, mariadb: 0.5, redis: 0.1, nginx: null, total: 1.1 });
  });

  it("counts a process started inside the window from zero and leaves out one that exited", () => {
    const before = sample({ app: new Map([[10, 1000], [11, 500]]) });
    // 11 exited (reads 0), 12 was restarted in the window.
    const after = sample({ app: new Map([[10, 1100], [11, 0], [12, 40]]) });
    expect(cpuPerUnit(before, after, 10).app).toBe(14);
  });

  it("divides the app processes' main threads' CPU too, when they were sampled", () => {
    const before = sample({ app: new Map([[10, 1000], [11, 500]]), appMainThread: new Map([[10, 800], [11, 400]]) });
    const after = sample({ app: new Map([[10, 1600], [11, 900]]), appMainThread: new Map([[10, 1100], [11, 600]]) });
    expect(cpuPerUnit(before, after, 1000)).toMatchObject({ app: 1, appMainThread: 0.5, total: 1 });
    expect(cpuPerUnit({ app: new Map([[10, 1]]) }, { app: new Map([[10, 2]]) }, 1)).not.toHaveProperty("appMainThread");
  });

  it("has no per-unit figure when nothing was done", () => {
    const s = sample({ mariadb: new Map([[20, 5]]) });
    expect(cpuPerUnit(s, s, 0)).toEqual({ app: null, mariadb: null, redis: null, nginx: null, total: 0 });
  });

  it("samples every role it is given, by calling for its pids each time", () => {
    let calls = 0;
    const s = sampleCpu({ app: () => (calls++, [process.pid]) });
    expect(calls).toBe(1);
    expect(s.app?.get(process.pid)).toBeGreaterThan(0);
    expect(s.appMainThread?.get(process.pid)).toBeGreaterThan(0);
    expect(s.appMainThread!.get(process.pid)).toBeLessThanOrEqual(s.app!.get(process.pid)!);
    expect(s.mariadb).toBeUndefined();
  });
});
