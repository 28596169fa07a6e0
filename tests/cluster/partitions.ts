/**
 * The partition races (issue 38, point 5 b-f), run by tests/cluster/faults.ts on a rig whose
 * nodes have hosts of their own (RIG_NETNS=1), each faulted by the nemesis (./nemesis.ts) 1.5 s
 * into the drop and held for SPLIT_MS:
 *   g-alone     (5b) Galera node 1, the single writer, cut off from every other host: it must
 *               turn non-Primary and refuse writes, the writes move to node 2 within 10 s, and
 *               once healed it rejoins and agrees;
 *   app-cut     (5c) the app servers and their HAProxy cut off from Galera nodes 2 and 3
 *               (multi-writer: connections to them hang until the agent calls them down);
 *   r-split     (5d) a Redis master and app server 1 on one side, its replica, the other
 *               Redis nodes and app servers 2 and 3 on the other: the replica is promoted while
 *               the old master still takes writes from app 1; acknowledged cart changes lost at
 *               the heal are counted and must fall in the old master's window;
 *   slow        (5e) every Galera node's packets delayed 200 ms +- 50 ms, 1% lost;
 *   kill+split  (5f) Galera node 1 cut off and a Redis master SIGKILLed at once.
 * The history checker, the table row and the service figures are faults.ts's, as for every race.
 */
import Redis from "ioredis";
import mysql from "mysql2/promise";
import { cartKeys, userOwner } from "@/lib/cart/store";
import { getRedis } from "@/lib/platform/redis";
import { makeShoppers, makeSkus, type Shopper } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { sleep } from "../support/wait";
import type { Fault } from "./fault";
import { APP_HOSTS, GALERA_HOSTS, REDIS_HOSTS, galeraLog, masterOf, nemesis, rejoinedBy, type Host } from "./nemesis";
import { APP_PORTS, HAPROXY, appUrl, frontUrl, hostOf, nodeUrl, rig, rigAsync, SQL_PORTS } from "./rig";

/** How long each split (or slow link) lasts. */
const SPLIT_MS = 12_000;
/** The issue's bound: service on the majority side resumes within 10 s of the split. */
const RESUMES_MS = 10_000;
/** After a heal, app 1 must serve carts on every master's slots again within this. */
const BACK_AFTER_HEAL_MS = 10_000;
/** Redis's cluster-node-timeout in the rig: how long an isolated master keeps taking writes. */
const REDIS_NODE_TIMEOUT_MS = Number(process.env.REDIS_NODE_TIMEOUT_MS ?? 3_000);
const ER_WSREP_NOT_READY = 1047;

/** Whether the partition races run in `npm run test:cluster` by default (faults.ts). */
export const PARTITIONS_IN_CI = ["g-alone", "r-split"];

// ---------------------------------------------------------------- the minority refuses writes

type Minority = { nonPrimaryAfterMs?: number; write: string };

/**
 * Asks the cut-off node, from the observer (outside the split), until it says non-Primary, then
 * tries a write there: a node without quorum must refuse it (1047), never commit on its own.
 */
async function probeMinority(port: number, since: number): Promise<Minority> {
  const c = await mysql.createConnection({ uri: nodeUrl(port), connectTimeout: 3_000 });
  try {
    let status = "";
    while (performance.now() - since < SPLIT_MS - 1_000) {
      const [rows] = await c.query({ sql: "SHOW STATUS LIKE 'wsrep_cluster_status'", timeout: 3_000 });
      status = (rows as { Value: string }[])[0]?.Value ?? "";
      if (status !== "Primary") break;
      await sleep(250);
    }
    if (status === "Primary") return { write: "still Primary" };
    const nonPrimaryAfterMs = performance.now() - since;
    try {
      await c.query({ sql: "INSERT INTO nemesis_probe (id, side) VALUES (1, 'minority')", timeout: 5_000 });
      return { nonPrimaryAfterMs, write: "ACCEPTED" };
    } catch (e) {
      const errno = (e as { errno?: number }).errno;
      return { nonPrimaryAfterMs, write: errno === ER_WSREP_NOT_READY ? "refused (1047, not ready)" : `refused (${(e as Error).message})` };
    }
  } finally {
    c.destroy();
  }
}

async function createProbeTable() {
  const c = await mysql.createConnection({ uri: nodeUrl(HAPROXY["single-writer"]) });
  try {
    await c.query("CREATE TABLE IF NOT EXISTS nemesis_probe (id INT PRIMARY KEY, side VARCHAR(20) NOT NULL)");
  } finally {
    await c.end();
  }
}

/** Rows the minority's write left anywhere (must be none on every node). */
async function probeRows(): Promise<number[]> {
  return Promise.all(
    SQL_PORTS.map(async (port) => {
      const c = await mysql.createConnection({ uri: nodeUrl(port) });
      try {
        await c.query("SET SESSION wsrep_sync_wait = 1");
        const [rows] = await c.query("SELECT COUNT(*) AS n FROM nemesis_probe");
        return Number((rows as { n: number }[])[0]!.n);
      } finally {
        await c.end();
      }
    }),
  );
}

/** A Galera node cut off from every other host, its refusal checked, and its rejoin. */
function nodeAlone(n: number) {
  const state = { mark: 0, minority: Promise.resolve<Minority>({ write: "not probed" }) };
  return {
    state,
    async split() {
      state.mark = galeraLog(n).length;
      const since = performance.now();
      await nemesis.isolate(`g${n}` as Host);
      state.minority = probeMinority(SQL_PORTS[n - 1]!, since).catch((e: Error) => ({ write: `probe failed: ${e.message}` }));
    },
    async check() {
      const m = await state.minority;
      const rows = await probeRows();
      const problems: string[] = [];
      if (m.nonPrimaryAfterMs === undefined) problems.push(`galera ${n}, cut off alone, did not turn non-Primary (${m.write})`);
      else if (!m.write.startsWith("refused")) problems.push(`galera ${n}, cut off alone, ${m.write} a write`);
      if (rows.some((r) => r > 0)) problems.push(`the minority's write is on the nodes: ${rows.join("/")} rows`);
      const after = m.nonPrimaryAfterMs === undefined ? "" : ` ${(m.nonPrimaryAfterMs / 1000).toFixed(1)} s after the split`;
      return { problems, note: `galera ${n} alone: non-Primary${after}, a write there ${m.write}; rejoined by ${rejoinedBy(n, state.mark)}, nodes agree` };
    },
  };
}

// ---------------------------------------------------------------- cart changes across a Redis split

type CartWriter = Shopper & { acked: { skuId: number; at: number }[] };

/**
 * From the heal on, app 1 (the side of the old master) reads the cart of one shopper per master
 * (named by its master before the split), each until it answers 200: the ms each took, or null if
 * none did in 30 s. Its connections to the masters it could not reach carry commands that were
 * never answered: they must not stay stuck in TCP's retransmission back-off (the next try up to
 * two minutes away) once the network is back.
 */
async function cartsBackOnApp1(probes: Map<string, Shopper>): Promise<{ master: string; ms: number | null }[]> {
  const healedAt = performance.now();
  const app1 = new HttpClient(appUrl(APP_PORTS[0]!), 8, 2_000);
  try {
    return await Promise.all(
      [...probes].map(async ([master, s]) => {
        while (performance.now() - healedAt < 30_000) {
          const r = await app1.request("GET", "/api/cart", { cookie: s.cookie }).catch(() => undefined);
          if (r?.status === 200) return { master, ms: performance.now() - healedAt };
          await sleep(250);
        }
        return { master, ms: null };
      }),
    );
  } finally {
    app1.close();
  }
}

/**
 * Shoppers whose carts live on the master about to be cut off, adding one product after another
 * through the front while the split lasts (the front sends a third of them to app 1, on the old
 * master's side). What was acknowledged is compared with the carts after the heal.
 */
function cartWriters() {
  const state = {
    /** One shopper per master, by the masters before the split: whose carts app 1 reads after the heal. */
    probes: new Map<string, Shopper>(),
    writers: [] as CartWriter[],
    skus: [] as number[],
    splitAt: 0,
    master: "",
    backAfterHeal: Promise.resolve<{ master: string; ms: number | null }[]>([]),
  };
  return {
    state,
    async prepare() {
      state.writers = (await makeShoppers(60, { prefix: "fw" })).map((s) => ({ ...s, acked: [] }));
      state.skus = await makeSkus(Array.from({ length: 10 }, () => 1_000), { product: "Split cart" });
    },
    /** Runs the writers of `master`'s slots for the split. */
    async write(master: string) {
      state.master = master;
      state.splitAt = performance.now();
      const mine: CartWriter[] = [];
      state.probes.clear();
      for (const w of state.writers) {
        const on = await masterOf(cartKeys(userOwner(w.id)).items);
        if (!state.probes.has(on)) state.probes.set(on, w);
        if (on === master) mine.push(w);
      }
      state.writers = mine;
      const front = new HttpClient(frontUrl, 64, 3_000);
      try {
        await Promise.all(
          mine.map(async (w) => {
            for (const skuId of state.skus) {
              if (performance.now() - state.splitAt > SPLIT_MS) break;
              const r = await front.request("POST", "/api/cart/items", { cookie: w.cookie, "content-type": "application/json" }, JSON.stringify({ skuId, count: 1 })).catch(() => undefined);
              if (r && r.status >= 200 && r.status < 300) w.acked.push({ skuId, at: performance.now() - state.splitAt });
              await sleep(400);
            }
          }),
        );
      } finally {
        front.close();
      }
    },
    /** Starts timing app 1's way back to every master, from now (the heal). */
    healed() {
      state.backAfterHeal = cartsBackOnApp1(state.probes);
    },
    async check() {
      const redis = getRedis();
      let acked = 0;
      const lost: number[] = [];
      for (const w of state.writers) {
        const held = new Set((await redis.hkeys(cartKeys(userOwner(w.id)).items)).map(Number));
        acked += w.acked.length;
        for (const a of w.acked) if (!held.has(a.skuId)) lost.push(a.at);
      }
      // The old master stops within cluster-node-timeout of its last word from the majority; an
      // answer reaches the client later under load, so the bound allows 3 s more.
      const bound = REDIS_NODE_TIMEOUT_MS + 3_000;
      const late = lost.filter((at) => at > bound);
      const problems = late.length ? [`${late.length} acknowledged cart changes lost that were made more than ${bound / 1000} s into the split`] : [];
      const window = lost.length ? `, all acknowledged ${(Math.min(...lost) / 1000).toFixed(1)}-${(Math.max(...lost) / 1000).toFixed(1)} s into the split (the old master's window: cluster-node-timeout ${REDIS_NODE_TIMEOUT_MS / 1000} s)` : "";
      const back = await state.backAfterHeal;
      const slow = back.filter((b) => b.ms === null || b.ms > BACK_AFTER_HEAL_MS);
      if (back.length < 3) problems.push(`the carts probed after the heal live on ${back.length} masters, not 3`);
      for (const b of slow) problems.push(`app 1 served a cart on :${b.master}'s slots ${b.ms === null ? "not within 30 s" : `only ${(b.ms / 1000).toFixed(1)} s`} after the heal (bound ${BACK_AFTER_HEAL_MS / 1000} s)`);
      const backNote = back.map((b) => `:${b.master} ${b.ms === null ? "never" : `${(b.ms / 1000).toFixed(1)} s`}`).join(", ");
      return { problems, note: `${state.writers.length} shoppers on :${state.master}'s slots: ${acked} cart additions acknowledged during the split, ${lost.length} lost at the heal${window}; app 1 served carts again after the heal on ${backNote}` };
    },
  };
}

// ---------------------------------------------------------------- the races

const galera1Alone = nodeAlone(1);
const writers = cartWriters();
const galera1AloneToo = nodeAlone(1);

export const PARTITIONS: Fault[] = [
  {
    id: "g-alone",
    title: `(5b) Galera node 1, the writer, partitioned alone for ${SPLIT_MS / 1000} s, then healed`,
    mode: "single-writer",
    netns: true,
    strategy: "batched",
    maxSilenceMs: RESUMES_MS,
    prepare: createProbeTable,
    async strike() {
      await galera1Alone.split();
      await sleep(SPLIT_MS);
      return "galera 1";
    },
    async heal() {
      await nemesis.heal();
      return "healed";
    },
    check: () => galera1Alone.check(),
  },
  {
    id: "app-cut",
    title: `(5c) the app servers and their HAProxy cut off from Galera nodes 2 and 3 for ${SPLIT_MS / 1000} s`,
    mode: "multi-writer",
    netns: true,
    strategy: "conditional",
    maxSilenceMs: RESUMES_MS,
    async strike() {
      await nemesis.partition(["hap", ...APP_HOSTS], ["g2", "g3"]);
      await sleep(SPLIT_MS);
      return "galera 2 and 3";
    },
    async heal() {
      await nemesis.heal();
      return "healed: HAProxy and the apps reach galera 2 and 3 again";
    },
  },
  {
    id: "r-split",
    title: `(5d) a Redis master and app 1 split from its replica, the other Redis nodes and apps 2-3 for ${SPLIT_MS / 1000} s`,
    mode: "multi-writer",
    limit: 1,
    netns: true,
    strategy: "conditional",
    maxSilenceMs: RESUMES_MS,
    prepare: () => writers.prepare(),
    async strike({ buyers }) {
      const port = await masterOf(cartKeys(userOwner(buyers[0]!.id)).items);
      const master = `r${port}` as Host;
      const writing = writers.write(port);
      await nemesis.partition([master, "app1"], [...REDIS_HOSTS.filter((h) => h !== master), "app2", "app3"]);
      await Promise.all([writing, sleep(SPLIT_MS)]);
      return port;
    },
    async heal(_race, port) {
      await nemesis.heal();
      writers.healed();
      // Without blocking: app 1's probes are timed meanwhile.
      await rigAsync("wait-synced");
      const node = new Redis({ host: hostOf(Number(port)), port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await node.connect();
        const [role] = (await node.role()) as [string];
        return `healed: redis :${port} (the old master) is now a ${role === "slave" ? "replica of its promoted replica" : role}`;
      } finally {
        node.disconnect();
      }
    },
    check: () => writers.check(),
  },
  {
    id: "slow",
    title: `(5e) every Galera node's packets delayed 200 ms +- 50 ms with 1% loss for ${(SPLIT_MS + 3_000) / 1000} s`,
    mode: "single-writer",
    netns: true,
    strategy: "batched",
    async strike() {
      await nemesis.slow(GALERA_HOSTS);
      await sleep(SPLIT_MS + 3_000);
      return "every Galera link";
    },
    async heal() {
      await nemesis.heal();
      return "healed: no delay, no loss";
    },
  },
  {
    id: "kill+split",
    title: `(5f) Galera node 1 partitioned alone and a Redis master SIGKILLed at once, for ${SPLIT_MS / 1000} s`,
    mode: "single-writer",
    netns: true,
    strategy: "batched",
    maxSilenceMs: RESUMES_MS,
    prepare: createProbeTable,
    async strike({ buyers }) {
      const port = await masterOf(cartKeys(userOwner(buyers[0]!.id)).items);
      await nemesis.both(galera1AloneToo.split(), nemesis.kill("redis", Number(port)));
      await sleep(SPLIT_MS);
      return port;
    },
    async heal(_race, port) {
      await nemesis.heal();
      rig("revive", "redis", port);
      return `healed; redis :${port} rejoined as a replica`;
    },
    check: () => galera1AloneToo.check(),
  },
];
