import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

type Node = { id: number; callFrame: { functionName: string; url: string }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const IDLE = "idle (waiting on I/O)";

/** Buckets a frame by where its code lives: a package, Node itself, V8 bookkeeping, or the app bundle. */
export function bucket(url: string, fn: string): string {
  if (fn === "(idle)") return IDLE;
  if (fn === "(garbage collector)") return "garbage collector";
  // Service mode profiles itself through the inspector: Profiler.stop serialising the profile.
  if (fn === "dispatch" && !url) return "the profiler itself (inspector dispatch)";
  if (fn === "(program)" || fn === "(root)") return "V8/native (program)";
  if (!url) return `native: ${fn || "(anonymous)"}`;
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/").slice(0, 2).join("/")}`;
  const compiled = /node_modules\/next\/dist\/compiled\/([^/]+)/.exec(url);
  if (compiled) return `next (compiled ${compiled[1]})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes(".next-bench/server")) return "app bundle (.next-bench/server)";
  // Service mode profiles the bench process itself: the app's modules run from source under tsx.
  const own = /\/(lib|db|bench)\/[^/]+/.exec(url);
  if (own) return own[1] === "bench" ? "bench harness (bench/)" : `app source (${own[1]}/)`;
  return url;
}

/** Every .cpuprofile in `dir` written at or after `since`: one per process of the profiled server (a launcher's primary and its workers). */
async function freshProfiles(dir: string, since: number): Promise<{ files: string[]; profiles: Profile[] } | null> {
  const fresh: string[] = [];
  for (const f of (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"))) {
    if ((await stat(path.join(dir, f))).mtimeMs >= since) fresh.push(f);
  }
  if (fresh.length === 0) return null;
  fresh.sort();
  const profiles = await Promise.all(fresh.map(async (f) => JSON.parse(await readFile(path.join(dir, f), "utf8")) as Profile));
  return { files: fresh.map((f) => path.join("bench/results/profile", f)), profiles };
}

/**
 * Self time (microseconds) per bucket of the samples inside `window` (CLOCK_MONOTONIC
 * microseconds, which V8's sample timestamps also use on Linux); all samples without one, or
 * when none falls inside it.
 */
function selfByBucket(profiles: Profile[], window?: [number, number]): { self: Map<string, number>; windowed: boolean } {
  const each = profiles.map((profile) => {
    const times: number[] = [];
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) times.push((t += profile.timeDeltas[i] ?? 0));
    return { profile, times };
  });
  const inWindow = (t: number) => !window || (t >= window[0] && t <= window[1]);
  const windowed = window !== undefined && each.some(({ times }) => times.some(inWindow));
  const self = new Map<string, number>();
  for (const { profile, times } of each) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < profile.samples.length; i++) {
      if (windowed && !inWindow(times[i]!)) continue;
      const node = byId.get(profile.samples[i]!);
      if (!node) continue;
      const b = bucket(node.callFrame.url, node.callFrame.functionName);
      self.set(b, (self.get(b) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  }
  return { self, windowed };
}

/**
 * Self time per bucket of the .cpuprofiles written after `since` (every process of the server), as a markdown table.
 * `window` keeps only the samples taken during the measured cell, leaving out start-up and shutdown.
 */
export async function summarizeProfile(dir: string, since: number, window?: [number, number], scope?: string): Promise<string> {
  const fresh = await freshProfiles(dir, since);
  if (!fresh) return "(no CPU profile was written)";
  const { self, windowed } = selfByBucket(fresh.profiles, window);
  const total = [...self.values()].reduce((s, x) => s + x, 0);
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  return [
    `Profile ${fresh.files.join(", ")}, ${scope ?? (windowed ? "the measured cell only" : "whole server lifetime (start-up, warm-up, the cell, shutdown)")}: ${(total / 1e6).toFixed(1)} s sampled.`,
    "",
    "| where | self time | share |",
    "|---|---:|---:|",
    ...rows.map(([b, us]) => `| ${b} | ${(us / 1000).toFixed(0)} ms | ${((100 * us) / total).toFixed(1)}% |`),
  ].join("\n");
}

export type ProfiledCell = { label: string; window: [number, number]; units: number };

/**
 * Two cells of one profiled process, per unit of each (request or order): self time per bucket
 * in microseconds and the difference, largest first; what the second cell's unit adds to the
 * first's. Idle time is listed but left out of the busy totals. The sampler counts a thread
 * descheduled inside a syscall (a socket write) as that frame's time, so this ranks where the
 * time goes; CPU per unit comes from /proc (the cells' own figures).
 */
export async function compareProfileCells(dir: string, since: number, base: ProfiledCell, other: ProfiledCell): Promise<string> {
  const fresh = await freshProfiles(dir, since);
  if (!fresh) return "(no CPU profile was written)";
  const perUnit = [base, other].map((c) => {
    const { self, windowed } = selfByBucket(fresh.profiles, c.window);
    return windowed ? new Map([...self].map(([k, us]) => [k, us / Math.max(c.units, 1)])) : null;
  });
  const [a, b] = perUnit;
  // selfByBucket falls back to the whole profile; a comparison of two cells must not.
  if (!a || !b) return `(no samples inside ${a ? other.label : base.label}'s window)`;
  const busy = (m: Map<string, number>) => [...m].filter(([k]) => k !== IDLE).reduce((s, [, v]) => s + v, 0);
  const rows = [...new Set([...a.keys(), ...b.keys()])]
    .map((k) => ({ k, a: a.get(k) ?? 0, b: b.get(k) ?? 0 }))
    .sort((x, y) => y.b - y.a - (x.b - x.a))
    .slice(0, 15);
  const us = (v: number) => v.toFixed(1);
  return [
    `Profile ${fresh.files.join(", ")}: ${base.label} (${base.units}) against ${other.label} (${other.units}), on the same server (every process summed), microseconds of self time per unit of each.`,
    "",
    `| where | ${base.label} | ${other.label} | difference |`,
    "|---|---:|---:|---:|",
    ...rows.map((r) => `| ${r.k} | ${us(r.a)} | ${us(r.b)} | ${r.b >= r.a ? "+" : ""}${us(r.b - r.a)} |`),
    `| **busy (all but idle)** | **${us(busy(a))}** | **${us(busy(b))}** | **${busy(b) >= busy(a) ? "+" : ""}${us(busy(b) - busy(a))}** |`,
  ].join("\n");
}
