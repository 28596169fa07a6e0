/**
 * The nemesis (issue 38): named faults a race schedules on the rig's hosts. Partitions, one-way
 * cuts, slow links and starved nodes need hosts of their own (RIG_NETNS=1: a network namespace
 * per node, scripts/cluster/netns.sh); kill and pause work on either rig. Every call resolves
 * once the fault is in place, without blocking the race's clients meanwhile.
 *
 * Hosts: g1-g3 (Galera), r7001-r7006 (Redis, by port), hap (HAProxy and its agent, standing for
 * the app hosts' local HAProxy), app1-app3 (the app servers). The test process and the front
 * stay on this host's loopback, outside every partition: the observer, as Jepsen's control node.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Cluster } from "ioredis";
import { getRedis } from "@/lib/platform/redis";
import { REDIS_PORTS, RIG_DIR, rigAsync } from "./rig";

export type Host = "g1" | "g2" | "g3" | `r${number}` | "hap" | "app1" | "app2" | "app3";
export const GALERA_HOSTS: Host[] = ["g1", "g2", "g3"];
export const REDIS_HOSTS: Host[] = REDIS_PORTS.map((p): Host => `r${p}`);
export const APP_HOSTS: Host[] = ["app1", "app2", "app3"];
export const ALL_HOSTS: Host[] = [...GALERA_HOSTS, ...REDIS_HOSTS, "hap", ...APP_HOSTS];
export const others = (...hosts: Host[]) => ALL_HOSTS.filter((h) => !hosts.includes(h));

export type Slowness = { delayMs: number; jitterMs: number; lossPercent: number };

export const nemesis = {
  /** Two sides that no longer hear each other (every other link stays up). */
  partition: (a: Host[], b: Host[]) => rigAsync("partition", a.join(","), b.join(",")),
  /** One host cut off from every other (the observer still reaches it). */
  isolate: (h: Host) => rigAsync("partition", h, others(h).join(",")),
  /** One way: `deaf` stops hearing `from`; `from` still hears `deaf`. */
  cut: (deaf: Host[], from: Host[]) => rigAsync("cut", deaf.join(","), from.join(",")),
  /** Every packet these hosts send is held `delayMs` +- `jitterMs` and `lossPercent` % are dropped. */
  slow: (hosts: Host[], s: Slowness = { delayMs: 200, jitterMs: 50, lossPercent: 1 }) =>
    rigAsync("slow", hosts.join(","), String(s.delayMs), String(s.jitterMs), String(s.lossPercent)),
  /** The node shares one core with stress-ng (everything else keeps the others). */
  starve: (kind: "galera" | "redis", n: number) => rigAsync("starve", kind, String(n)),
  kill: (kind: "galera" | "redis", n: number) => rigAsync("kill", kind, String(n)),
  pause: (n: number) => rigAsync("pause", "galera", String(n)),
  resume: (n: number) => rigAsync("resume", "galera", String(n)),
  /** Every partition, cut, slow link and hog undone (killed nodes stay dead: revive them). */
  heal: () => rigAsync("heal"),
  /** Two faults at once. */
  both: (...faults: Promise<unknown>[]) => Promise.all(faults),
};

// ---------------------------------------------------------------- what the nodes say

export const galeraLog = (n: number) => readFileSync(path.join(RIG_DIR, `galera${n}`, "error.log"), "utf8");

/**
 * How a Galera node's last start got the writes it missed: IST (just those writes, from a donor's
 * gcache) or SST (a full copy). MariaDB logs "SST received" either way; the rsync script says which.
 */
export function rejoinedBy(n: number, logBefore: number) {
  const since = galeraLog(n).slice(logBefore);
  if (/rsync SST completed/.test(since)) return "SST (a full copy)";
  if (/IST received/.test(since)) return "IST";
  return "no state transfer";
}

/** The master serving one key (its hash tag's slot), as "port". */
export async function masterOf(key: string): Promise<string> {
  const redis = getRedis() as Cluster;
  const slot = Number(await redis.cluster("KEYSLOT", key));
  const range = (await redis.cluster("SLOTS")).find(([from, to]) => slot >= from && slot <= to);
  if (!range?.[2]) throw new Error(`no master serves slot ${slot}`);
  return String(range[2][1]);
}
