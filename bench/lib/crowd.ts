import { spawnSync, spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { addImage } from "@/lib/images/service";
import { makeShopper, makeSkus } from "@/tests/support/fixtures";
import { phoneJpeg } from "@/tests/support/images";
import { HttpClient } from "@/tests/support/http";
import { runLoad } from "./load";
import type { Cell } from "./report";
import { summarize, type LatencySummary } from "./stats";

/**
 * The storefront under a drop's crowd, through the front (nginx): V viewers on the product page
 * of the drop while W buyers check out. A viewer polls live stock every POLL_MS (what an open
 * product page does) and reloads the page every RELOAD_MS (an impatient shopper); viewers start
 * spread over a second. Each viewer is a keep-alive connection of its own as far as this one
 * process can hold them (BENCH_VIEWERS; the run reports how many it really held).
 */
export const CROWD = { viewers: Number(process.env.BENCH_VIEWERS ?? 5_000), buyers: 64, pollMs: 1_000, reloadMs: 3_000, pageConnections: 64 } as const;

/** One path hammered by `connections` closed-loop clients: what a cached page costs the server. */
export type PageCell = {
  workers: number;
  path: string;
  what: string;
  connections: number;
  requestsPerS: number;
  latency: { p50: number; p99: number };
  /** Answers that were not 2xx. */
  errors: number;
  /** wrk when it is installed (a C client: the server, not the client, is measured), else this process. */
  client: "wrk" | "node";
};

export type CrowdResult = {
  strategy: string;
  workers: number;
  alone: Cell;
  crowded: Cell;
  viewers: number;
  /** The most sockets the viewers' client held open at once. */
  connectionsHeld: number;
  pagesPerS: number;
  stockPerS: number;
  viewerLatency: LatencySummary;
  viewerErrors: number;
};

const haveWrk = () => spawnSync("wrk", ["--version"]).error === undefined;

function ms(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n;
}

/** `wrk --latency` output -> requests/s, p50, p99, non-2xx count. */
export function parseWrk(out: string): Pick<PageCell, "requestsPerS" | "latency" | "errors"> {
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rate) throw new Error(`unexpected wrk output:\n${out}`);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(out);
    return m ? Math.round(ms(m[1]!, m[2]!) * 10) / 10 : NaN;
  };
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = Number(non2xx?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return { requestsPerS: Math.round(Number(rate[1])), latency: { p50: pct("50"), p99: pct("99") }, errors };
}

function runWrk(url: URL, connections: number, durationS: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", ["-t2", `-c${connections}`, `-d${durationS}s`, "--latency", url.href]);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${out}`))));
  });
}

async function nodeLoad(base: URL, path: string, connections: number, durationS: number) {
  const client = new HttpClient(base, connections);
  try {
    const load = await runLoad({
      label: `GET ${path}`,
      workers: connections,
      durationMs: durationS * 1000,
      prepare: async () => undefined,
      send: async () => {
        const res = await client.request("GET", path);
        return { code: String(res.status), ok: res.status < 300 };
      },
    });
    const s = summarize(load.latencies);
    return { requestsPerS: Math.round(load.requests / load.elapsedS), latency: { p50: s.p50, p99: s.p99 }, errors: load.requests - load.ok };
  } finally {
    client.close();
  }
}

/**
 * A product with three variants and an uploaded picture (a phone's photo, as an owner adds one)
 * for the crowd to look at, and the paths they load: the page, its live stock, and the picture's
 * 640 px file (what a phone's page fetches).
 */
export async function crowdProduct(label: string) {
  const ids = await makeSkus([500, 500, 500], { product: `Bench crowd ${label}`, category: "Bench" });
  const [row] = await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, ids[0]!));
  const owner = await makeShopper("admin");
  const image = await addImage(owner.id, row!.spuId, await phoneJpeg(), { alt: `Bench crowd ${label}`, skuId: null });
  const picture = image.srcSet.split(", ").find((s) => s.endsWith(" 640w"))!.split(" ")[0]!;
  return { page: `/products/${row!.spuId}`, stock: `/api/stock/${ids.join(",")}`, picture };
}

/** A static chunk the catalog page loads: served from disk by Next.js, the floor for any page. */
async function staticAsset(base: URL): Promise<string> {
  const html = await (await fetch(new URL("/", base))).text();
  const chunk = /\/_next\/static\/chunks\/[\w.-]+\.js/.exec(html)?.[0];
  if (!chunk) throw new Error("no static chunk linked from /");
  return chunk;
}

/**
 * The static-asset floor, the catalog, a product page with its picture and its live-stock read, each at
 * CROWD.pageConnections connections for `durationS`, one after the other.
 */
export async function pageCells(base: URL, workers: number, durationS: number, product: { page: string; stock: string; picture: string }, log: (s: string) => void): Promise<PageCell[]> {
  const client = haveWrk() ? "wrk" : "node";
  if (client === "node") log("  (wrk not found: pages measured with this process's client, which may be the bottleneck; apt-get install -y wrk)");
  const paths: [string, string][] = [
    [await staticAsset(base), "static asset (floor)"],
    ["/", "catalog"],
    [product.page, "product page"],
    [product.picture, "product picture (640 px)"],
    [product.stock, "live stock"],
  ];
  const cells: PageCell[] = [];
  for (const [path, what] of paths) {
    // One untimed second first: the page's first render is not what the crowd sees.
    await fetch(new URL(path, base)).then((r) => r.arrayBuffer());
    const result = client === "wrk" ? parseWrk(await runWrk(new URL(path, base), CROWD.pageConnections, durationS)) : await nodeLoad(base, path, CROWD.pageConnections, durationS);
    log(`  ${what.padEnd(22)} ${String(result.requestsPerS).padStart(6)} req/s  p99 ${result.latency.p99} ms${result.errors ? `  ${result.errors} errors` : ""}`);
    cells.push({ workers, path, what, connections: CROWD.pageConnections, client, ...result });
  }
  return cells;
}

/** CROWD.viewers viewers until `stop` resolves; counts what they loaded. */
export async function runViewers(base: URL, product: { page: string; stock: string }, stop: Promise<void>) {
  const client = new HttpClient(base, CROWD.viewers);
  const latencies: number[] = [];
  let pages = 0;
  let polls = 0;
  let errors = 0;
  let stopped = false;
  let connectionsHeld = 0;
  const held = () => Object.values(client.agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0) + Object.values(client.agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0);
  const sampler = setInterval(() => (connectionsHeld = Math.max(connectionsHeld, held())), 200);
  void stop.then(() => (stopped = true));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
  const get = async (path: string) => {
    const t = performance.now();
    try {
      const res = await client.request("GET", path);
      if (res.status >= 300) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - t);
  };
  const viewer = async () => {
    await sleep(Math.random() * CROWD.pollMs);
    let nextReload = 0;
    while (!stopped) {
      const t = performance.now();
      if (t >= nextReload) {
        await get(product.page);
        pages++;
        nextReload = t + CROWD.reloadMs;
      }
      await get(product.stock);
      polls++;
      await sleep(CROWD.pollMs - (performance.now() - t));
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: CROWD.viewers }, viewer));
  } finally {
    clearInterval(sampler);
    client.close();
  }
  const s = (performance.now() - started) / 1000;
  return { pagesPerS: Math.round(pages / s), stockPerS: Math.round(polls / s), latency: summarize(latencies), errors, connectionsHeld };
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** The static-asset cell measured at the same worker count as `cell`. */
const floorOf = (pages: PageCell[], cell: PageCell) => pages.find((f) => f.workers === cell.workers && f.what.includes("floor"))!;

export function crowdMarkdown(pages: PageCell[], crowds: CrowdResult[]): string {
  const lines: string[] = [];
  if (pages.length > 0) {
    lines.push(
      `### Public pages through the front (nginx; http, ${CROWD.pageConnections} connections, closed loop, ${pages[0]!.client})`,
      "",
      "| workers | path | what | req/s | x floor | p50 ms | p99 ms | errors |",
      "|---:|---|---|---:|---:|---:|---:|---:|",
    );
    for (const c of pages) {
      const floor = floorOf(pages, c);
      lines.push(`| ${c.workers} | \`${c.path}\` | ${c.what} | ${fmt(c.requestsPerS)} | ${(c.requestsPerS / floor.requestsPerS).toFixed(2)} | ${c.latency.p50} | ${c.latency.p99} | ${c.errors} |`);
    }
  }
  if (crowds.length > 0) {
    lines.push(
      "",
      `### Crowd through the front (http): ${CROWD.buyers} buyers on a hot SKU, alone and with ${CROWD.viewers} viewers (live stock every ${CROWD.pollMs / 1000} s, page reload every ${CROWD.reloadMs / 1000} s)`,
      "",
      "| workers | strategy | orders/s alone | p99 ms alone | orders/s with viewers | p99 ms with viewers | kept | viewer connections held | viewer pages/s | stock reads/s | viewer p99 ms | viewer errors | problems |",
      "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    );
    for (const c of crowds) {
      const problems = [...c.alone.problems, ...c.crowded.problems];
      lines.push(
        `| ${c.workers} | ${c.strategy} | ${fmt(c.alone.ordersPerS)} | ${c.alone.latency.p99} | ${fmt(c.crowded.ordersPerS)} | ${c.crowded.latency.p99} | ${(c.crowded.ordersPerS / c.alone.ordersPerS).toFixed(2)}x | ${fmt(c.connectionsHeld)} | ${fmt(c.pagesPerS)} | ${fmt(c.stockPerS)} | ${c.viewerLatency.p99} | ${c.viewerErrors} | ${problems.length === 0 ? "ok" : problems.join("; ")} |`,
      );
    }
  }
  return lines.join("\n");
}

/** Issue 25's targets, from one run: through the front, pages and live stock >= 0.7x the static floor, the floor >= 20,000 req/s; checkout keeps >= 0.9x among the viewers. */
export function crowdVerdicts(pages: PageCell[], crowds: CrowdResult[]): string[] {
  const out: string[] = [];
  for (const floor of pages.filter((p) => p.what.includes("floor"))) {
    out.push(`${floor.requestsPerS >= 20_000 ? "met" : "MISSED"}: the front's static floor at ${floor.workers} worker(s) ${fmt(floor.requestsPerS)} req/s (target >= 20,000)`);
  }
  for (const c of pages.filter((p) => !p.what.includes("floor"))) {
    const floor = floorOf(pages, c);
    const ratio = c.requestsPerS / floor.requestsPerS;
    out.push(`${ratio >= 0.7 ? "met" : "MISSED"}: ${c.what} at ${c.workers} worker(s) ${fmt(c.requestsPerS)} req/s = ${ratio.toFixed(2)}x the static floor ${fmt(floor.requestsPerS)} (target >= 0.7x)`);
  }
  for (const c of crowds) {
    const kept = c.crowded.ordersPerS / c.alone.ordersPerS;
    out.push(`${kept >= 0.9 ? "met" : "MISSED"}: ${c.strategy} at ${c.workers} worker(s) keeps ${kept.toFixed(2)}x its orders/s with ${c.viewers} viewers on ${fmt(c.connectionsHeld)} connections (target >= 0.9x)`);
  }
  return out;
}
