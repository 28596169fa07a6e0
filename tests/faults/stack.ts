import { afterAll, beforeAll } from "vitest";
import { closeDb, getPool } from "@/db";
import { recreateDatabase } from "@/db/migrate";
import { cartKeys, userOwner } from "@/lib/cart/store";
import { closeRedis, getRedis } from "@/lib/platform/redis";
import { makeShoppers, makeSkus, snapshotSkus, type Shopper } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { CommitProxy } from "./commit-proxy";
import { AppServer, ThrowawayMariaDb, ThrowawayRedis, PORTS, type ServerEnv } from "./services";

export type StackOptions = {
  serverEnv?: Partial<ServerEnv>;
  /** False: the test starts `server` itself (after changing its env, say). */
  startServer?: boolean;
  /** The server reaches MariaDB only through a CommitProxy (this test process connects directly). */
  proxy?: boolean;
};

/**
 * A MariaDB, a Redis and one `next start` of their own for one fault test file (call `stop()` in
 * afterAll). This test process talks to the same throwaway services (fixtures, invariants), so
 * `DATABASE_URL` / `REDIS_URL` are pointed at them before anything reads the configuration.
 */
export async function faultStack(opts: StackOptions = {}) {
  const mariadb = new ThrowawayMariaDb();
  const redis = new ThrowawayRedis();
  await Promise.all([mariadb.start(), redis.start()]);
  const dbUrl = mariadb.url("stockroom_faults");
  process.env.DATABASE_URL = dbUrl;
  process.env.REDIS_URL = redis.url;
  await recreateDatabase(dbUrl);
  const proxy = opts.proxy ? new CommitProxy(PORTS.proxy, mariadb.port) : undefined;
  const server = new AppServer(PORTS.server, { DATABASE_URL: mariadb.url("stockroom_faults", proxy?.port), REDIS_URL: redis.url, ...opts.serverEnv });
  const stop = async () => {
    await server.stop();
    await Promise.allSettled([closeDb(), closeRedis()]);
    await Promise.allSettled([mariadb.stop("SIGKILL"), redis.stop("SIGKILL")]);
    await proxy?.close();
  };
  try {
    await proxy?.start();
    if (opts.startServer !== false) await server.start();
  } catch (e) {
    await stop();
    throw e;
  }
  return { mariadb, redis, dbUrl, server, proxy, stop };
}

export type FaultStack = Awaited<ReturnType<typeof faultStack>>;

/**
 * The setup most fault files share, registered as the calling describe's beforeAll / afterAll:
 * the stack, a keep-alive client of `sockets` connections to its server, one product with a SKU
 * per `stocks` value, `shoppers` signed-in shoppers, and every SKU's stock at start. Read the
 * fields inside tests or later hooks (they are filled in by beforeAll).
 */
export function useFaultStack(opts: StackOptions & { product: string; stocks: number[]; shoppers: number; sockets?: number }) {
  const ctx = {} as { stack: FaultStack; proxy: CommitProxy; client: HttpClient; skuIds: number[]; shoppers: Shopper[]; start: Map<number, number> };
  beforeAll(async () => {
    ctx.stack = await faultStack(opts);
    ctx.proxy = ctx.stack.proxy!;
    ctx.client = new HttpClient(ctx.stack.server.base, opts.sockets ?? 4);
    ctx.skuIds = await makeSkus(opts.stocks, { product: opts.product });
    ctx.shoppers = await makeShoppers(opts.shoppers);
    ctx.start = await stockAtStart();
  }, 120_000);
  afterAll(async () => {
    ctx.client?.close();
    await ctx.stack?.stop();
  });
  return ctx;
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const [result] = await getPool().query(sql);
  return result as Record<string, unknown>[];
}

/** Every SKU's stock + sales when the test created it (before any order). */
export async function stockAtStart(): Promise<Map<number, number>> {
  return new Map([...(await snapshotSkus())].map(([id, s]) => [id, s.stock + s.sales]));
}

/**
 * What must hold after any fault, over the whole database; returns the violations (empty = fine):
 * stock + sales conserved per SKU (with the admin ledger: start + sum(delta) = stock + sales),
 * sales = units in live orders' lines, no order without lines, no line without its order,
 * totals = lines + freight.
 */
export async function invariantViolations(start: Map<number, number>): Promise<string[]> {
  const problems: string[] = [];
  const adjusted = new Map((await rows("SELECT sku_id, SUM(delta) AS d FROM stock_adjustments GROUP BY sku_id")).map((r) => [Number(r.sku_id), Number(r.d)]));
  const sold = new Map(
    (await rows("SELECT l.sku_id, SUM(l.count) AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' GROUP BY l.sku_id")).map((r) => [
      Number(r.sku_id),
      Number(r.n),
    ]),
  );
  for (const [id, s] of await snapshotSkus()) {
    const expected = (start.get(id) ?? 0) + (adjusted.get(id) ?? 0);
    if (s.stock + s.sales !== expected) problems.push(`SKU ${id}: stock ${s.stock} + sales ${s.sales} != start + adjustments ${expected}`);
    if (s.sales !== (sold.get(id) ?? 0)) problems.push(`SKU ${id}: sales ${s.sales} != units in order lines ${sold.get(id) ?? 0}`);
  }
  const [empty] = await rows("SELECT COUNT(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)");
  if (Number(empty!.n) > 0) problems.push(`${empty!.n} orders without lines`);
  const [orphans] = await rows("SELECT COUNT(*) AS n FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)");
  if (Number(orphans!.n) > 0) problems.push(`${orphans!.n} order lines without their order`);
  const [wrong] = await rows(`
    SELECT COUNT(*) AS n FROM orders o
    JOIN (SELECT order_id, SUM(count * price) AS amount, SUM(count) AS units FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
    WHERE o.total_amount <> l.amount + o.freight OR o.total_count <> l.units`);
  if (Number(wrong!.n) > 0) problems.push(`${wrong!.n} orders whose total is not sum(lines) + freight`);
  return problems;
}

export async function orderCount(): Promise<number> {
  const [r] = await rows("SELECT COUNT(*) AS n FROM orders");
  return Number(r!.n);
}

export async function orderIds(): Promise<Set<string>> {
  return new Set((await rows("SELECT id FROM orders")).map((r) => String(r.id)));
}

/**
 * True once the server has read every one of these shoppers' carts: fillCart leaves a cart
 * without a revision and the server's first read stores one, so a revision means its checkout
 * is inside the server (counted in flight by a drain).
 */
export async function checkoutsUnderway(shoppers: { id: number }[]): Promise<boolean> {
  const revisions = shoppers.map((s) => cartKeys(userOwner(s.id)).revision);
  return (await getRedis().exists(...revisions)) === shoppers.length;
}
