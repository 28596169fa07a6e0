/**
 * The orders room's search at scale (issue 35's target: any order found by number among 100,000,
 * p99 ≤ 50 ms at the API). Seeds its own database with N orders (multi-row INSERTs: orders, a
 * line, an allocation and a "placed" event each, spread over 90 days and 1,000 customers), starts
 * a production server on it, and times GET /api/admin/orders?q=<SR-number> over real HTTP, one
 * request at a time, checking each answer is that one order; then the same for the order page's
 * API, a username search and the first page unfiltered, for context. `npm run bench:orders -- --help`.
 */
import { orderOpts as opts, orderSecret } from "./lib/orders-env";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { closeDb, getPool } from "@/db";
import { searchOrders } from "@/lib/admin/orders";
import { recreateDatabase } from "@/db/migrate";
import { createSession, SESSION_COOKIE } from "@/lib/auth/session";
import { formatOrderNumber } from "@/lib/orders/number";
import { newOrderId } from "@/lib/orders/order-id";
import { closeRedis } from "@/lib/platform/redis";
import { insertLocation, insertProduct, insertSkus } from "@/tests/support/fixtures/sql";
import { HttpClient } from "@/tests/support/http";
import { BenchServer, buildServer, ROOT, type ServerEnv } from "./lib/server";
import { summarize, type LatencySummary } from "./lib/stats";

const CUSTOMERS = 1_000;
const CHUNK = 2_000;
const DAYS = 90;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function insertChunks<T>(rows: T[], sqlHead: string, row: string, values: (r: T) => unknown[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await getPool().query(sqlHead + chunk.map(() => row).join(", "), chunk.flatMap(values));
  }
}

/** N orders as the checkout would have left them, written straight into the tables; the admin's cookie. */
async function seed(n: number): Promise<{ cookie: string; usernames: string[] }> {
  const pool = getPool();
  const locationId = await insertLocation(pool, "Bench warehouse", 1);
  const spuId = await insertProduct(pool, { name: "Bench Orders Tee", description: "bench", category: "Bench" });
  const skuIds = await insertSkus(pool, spuId, ["S", "M", "L"].map((name) => ({ name, price: "19.00", stock: 1_000_000 })));
  const usernames = Array.from({ length: CUSTOMERS }, (_, i) => `buyer${String(i).padStart(4, "0")}`);
  await pool.query(`INSERT INTO users (username, password_hash, role) VALUES ${usernames.map(() => "(?, 'x', 'shopper')").join(", ")}, ('benchadmin', 'x', 'admin')`, usernames);
  const [users] = (await pool.query("SELECT id, username FROM users ORDER BY id")) as unknown as [{ id: number; username: string }[]];
  const shopperIds = users.filter((u) => u.username !== "benchadmin").map((u) => Number(u.id));
  const adminId = Number(users.find((u) => u.username === "benchadmin")!.id);
  await pool.query(`INSERT INTO addresses (user_id, name, email, phone, line1, line2, city, region, postcode, country, is_default) VALUES ${shopperIds.map(() => "(?, 'Bench Buyer', 'bench@example.com', '+1 555 0100', '1 Bench Street', '', 'Portland', 'OR', '97201', 'US', 1)").join(", ")}`, shopperIds);
  const [addr] = (await pool.query("SELECT id, user_id FROM addresses")) as unknown as [{ id: number; user_id: number }[]];
  const addressOf = new Map(addr.map((a) => [Number(a.user_id), Number(a.id)]));

  const start = Date.now() - DAYS * 86_400_000;
  const orders = Array.from({ length: n }, (_, i) => {
    const at = new Date(start + Math.floor((i / n) * DAYS * 86_400_000));
    const userId = shopperIds[i % shopperIds.length]!;
    const skuId = skuIds[i % skuIds.length]!;
    const status = ["awaiting_shipment", "paid", "shipped", "completed", "cancelled"][i % 5]!;
    return { id: newOrderId(at.getTime()), number: i + 1, userId, addressId: addressOf.get(userId)!, skuId, at, status };
  });
  const began = Date.now();
  await insertChunks(
    orders,
    "INSERT INTO orders (id, user_id, idempotency_key, address_id, ship_name, ship_email, ship_phone, ship_line1, ship_line2, ship_city, ship_region, ship_postcode, ship_country, total_count, total_amount, freight, pay_method, status, strategy, cart_revision, cart_cleanup_pending, order_number, created_at, updated_at) VALUES ",
    "(?, ?, ?, ?, 'Bench Buyer', 'bench@example.com', '+1 555 0100', '1 Bench Street', '', 'Portland', 'OR', '97201', 'US', 1, '24.00', '5.00', 'cod', ?, 'batched', NULL, 0, ?, ?, ?)",
    (o) => [o.id, o.userId, `bench-${o.number}`, o.addressId, o.status, o.number, o.at, o.at],
  );
  await insertChunks(orders, "INSERT INTO order_lines (order_id, sku_id, name, count, price) VALUES ", "(?, ?, ?, 1, '19.00')", (o) => [o.id, o.skuId, `Bench Orders Tee — ${["S", "M", "L"][skuIds.indexOf(o.skuId)]}`]);
  await insertChunks(orders, "INSERT INTO order_line_allocations (order_id, sku_id, location_id, count) VALUES ", "(?, ?, ?, 1)", (o) => [o.id, o.skuId, locationId]);
  await insertChunks(orders, "INSERT INTO order_events (order_id, status, actor_id, actor_kind, created_at) VALUES ", "(?, 'awaiting_shipment', ?, 'shopper', ?)", (o) => [o.id, o.userId, o.at]);
  await pool.query("ANALYZE TABLE orders, order_lines, order_events, users");
  log(`seeded ${n} orders in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  const { token } = await createSession(adminId);
  return { cookie: `${SESSION_COOKIE}=${token}`, usernames };
}

type Row = { query: string; summary: LatencySummary };

async function time(client: HttpClient, cookie: string, samples: number, label: string, pathFor: (i: number) => string, check: (body: string, i: number) => boolean): Promise<Row> {
  for (let i = 0; i < Math.min(50, samples); i++) await client.request("GET", pathFor(i), { cookie }); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await client.request("GET", pathFor(i), { cookie });
    ms.push(performance.now() - t0);
    if (res.status !== 200 || !check(res.body, i)) throw new Error(`${label}: unexpected answer ${res.status} ${res.body.slice(0, 200)}`);
  }
  const summary = summarize(ms);
  log(`${label}: p50 ${summary.p50} ms, p99 ${summary.p99} ms (n=${summary.n})`);
  return { query: label, summary };
}

async function main() {
  await recreateDatabase(opts.databaseUrl);
  const { cookie, usernames } = await seed(opts.orders);
  const [plan] = (await getPool().query("EXPLAIN SELECT id FROM orders WHERE order_number = 4242")) as unknown as [{ key: string | null }[]];
  log(`order number lookup uses index: ${plan[0]?.key}`);

  // The same search called in this process (no HTTP, no Next): what the query and its lines cost.
  const service: number[] = [];
  for (let i = 0; i < opts.samples; i++) {
    const n = 1 + ((i * 7_919 + 13) % opts.orders);
    const t0 = performance.now();
    const page = await searchOrders({ q: formatOrderNumber(n) });
    service.push(performance.now() - t0);
    if (page.orders.length !== 1) throw new Error(`service search for ${formatOrderNumber(n)} found ${page.orders.length}`);
  }
  const serviceRow: Row = { query: "search by order number, in-process `searchOrders` (no HTTP)", summary: summarize(service) };
  log(`${serviceRow.query}: p50 ${serviceRow.summary.p50} ms, p99 ${serviceRow.summary.p99} ms`);
  const loadBefore = loadavg()[0]!;

  if (opts.build || !existsSync(path.join(ROOT, opts.distDir, "BUILD_ID"))) {
    if (opts.distDir !== ".next-bench") throw new Error(`${opts.distDir} has no build; build it or leave out --dist-dir`);
    log("building .next-bench …");
    await buildServer(orderSecret);
  }
  const env = { DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, SESSION_SECRET: orderSecret, CHECKOUT_STRATEGY: "batched", NEXT_DIST_DIR: opts.distDir } as ServerEnv;
  const server = await BenchServer.start(opts.port, env, { label: "orders-search" });
  const client = new HttpClient(server.url, 1);
  const rows: Row[] = [];
  try {
    const pick = (i: number) => 1 + ((i * 7_919 + 13) % opts.orders);
    rows.push(
      await time(client, cookie, opts.samples, "search by order number (q=sr-…, lower case)", (i) => `/api/admin/orders?q=${formatOrderNumber(pick(i)).toLowerCase()}`, (body, i) => {
        const { orders } = JSON.parse(body) as { orders: { orderNumber: string }[] };
        return orders.length === 1 && orders[0]!.orderNumber === formatOrderNumber(pick(i));
      }),
    );
    rows.push(await time(client, cookie, opts.samples, "order page API by number (GET /api/admin/orders/SR-…)", (i) => `/api/admin/orders/${formatOrderNumber(pick(i))}`, (body) => JSON.parse(body).order?.events?.length === 1));
    rows.push(await time(client, cookie, Math.min(opts.samples, 100), "search by username (first page of 50)", (i) => `/api/admin/orders?q=${usernames[i % usernames.length]}`, (body) => JSON.parse(body).orders.length === 50));
    rows.push(await time(client, cookie, Math.min(opts.samples, 200), "first page, no filter (50 newest)", () => "/api/admin/orders", (body) => JSON.parse(body).orders.length === 50));
  } finally {
    await server.stop();
    await closeDb();
    await closeRedis();
  }
  rows.push(serviceRow);
  const loadAfter = loadavg()[0]!;
  const at = new Date().toISOString();
  const table = [
    "| query | n | p50 ms | p95 ms | p99 ms | max ms |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.query} | ${r.summary.n} | ${r.summary.p50} | ${r.summary.p95} | ${r.summary.p99} | ${r.summary.max} |`),
  ].join("\n");
  const report = `# Orders search at ${opts.orders.toLocaleString("en-US")} orders (${at})\n\nOne request at a time over HTTP to a production server (one worker), admin session, ${opts.samples} samples per search by number. The machine's 1-minute load average: ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.\n\n${table}\n`;
  await mkdir(path.join(ROOT, "bench/results"), { recursive: true });
  await writeFile(path.join(ROOT, "bench/results/orders-search.md"), report);
  await writeFile(path.join(ROOT, "bench/results/orders-search.json"), JSON.stringify({ at, orders: opts.orders, load: { before: loadBefore, after: loadAfter }, rows }, null, 2));
  process.stdout.write(report);
  const target = rows[0]!.summary.p99 <= 50;
  process.stdout.write(`\nTarget (search by number p99 ≤ 50 ms): ${target ? "met" : "MISSED"}\n`);
  process.exit(target ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
