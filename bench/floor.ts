/**
 * Where the floor is (issue 39): the least CPU a hot-SKU order can cost given what it must
 * write, from single-statement measurements on the bench's own mariadbd and redis-server.
 * `npm run bench:floor -- [--services-port P] [--duration S]` (BENCH_FLOOR_BATCH: orders per batch, default 25)
 *
 * For a batch of B orders of one unit of one SKU (the hot cell's shape) it measures MariaDB's
 * CPU per order for
 *  - the raw one-row UPDATE (autocommit), per statement: the yardstick;
 *  - the batch's rows (orders, lines, events, confirmation e-mails, allocations), the stock
 *    change on `skus` and on the location, and the COMMIT, sent as one multi-statement round
 *    trip: nothing written that the checkout could leave out, in the fewest round trips;
 *  - the same statements one round trip each (what it costs MariaDB to be asked separately);
 *  - the cart cleanup flag cleared for the batch (one autocommit UPDATE);
 * and Redis's CPU per order for what the cart must do: the cart read, and the bought lines
 * taken out (the checkout's own script), beside the bench's cart refill. This process's own CPU
 * (mysql2 and ioredis building and sending them) is the Node side of the floor.
 */
import { opts } from "./lib/setup-env";
import type { ResultSetHeader } from "mysql2";
import { closeDb, createPool, getDb, getPool, placeholders, type Conn } from "@/db";
import { recreateDatabase } from "@/db/migrate";
import { seed } from "@/db/seed";
import { hashPassword } from "@/lib/auth/password";
import { readCart, takeBoughtLines, userOwner } from "@/lib/cart/store";
import { prepareOrder, type PreparedOrder } from "@/lib/orders/draft";
import { insertOrders } from "@/lib/orders/order-rows";
import { closeRedis } from "@/lib/platform/redis";
import { fillCart, makeShoppers, makeSkus, TEST_ADDRESS, type Shopper } from "@/tests/support/fixtures";
import { cpuMs, sampleCpu, cpuPerUnit } from "./lib/cpu";
import { startServices } from "./lib/services";

const B = Number(process.env.BENCH_FLOOR_BATCH ?? 25);
const DURATION_MS = opts.durationS * 1000;
const CLIENTS = 4;
const OUTBOX_ROUNDS = Number(process.env.BENCH_FLOOR_OUTBOX_ROUNDS ?? 4);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** The statements `insertOrders` sends for these orders, captured instead of sent, as one multi-statement text. */
async function insertSql(served: PreparedOrder[]): Promise<{ sql: string; values: unknown[] }> {
  const captured: { sql: string; values: unknown[] }[] = [];
  const capture = {
    query: async (sql: string, values: unknown[]) => {
      captured.push({ sql, values });
      // Its statements' results; the last is the numbers' read, one row per order.
      const statements = sql.split(";\n").length;
      return [[...Array<object>(statements - 1).fill({}), served.map((o) => ({ id: o.header.id, order_number: 0 }))]];
    },
  } as unknown as Conn;
  await insertOrders(capture, served);
  return { sql: captured.map((c) => c.sql).join(";\n"), values: captured.flatMap((c) => c.values) };
}

type Measured = { what: string; units: number; mariadb: number; redis: number; node: number; roundTrips: number };

async function measure(
  what: string,
  unitsPerRound: number,
  roundTrips: number,
  services: Awaited<ReturnType<typeof startServices>>,
  round: () => Promise<void>,
  more: () => boolean = () => true,
): Promise<Measured> {
  const roles = { mariadb: services.mariadb, redis: services.redis };
  const before = sampleCpu(roles);
  const node = cpuMs(process.pid);
  const until = Date.now() + DURATION_MS;
  let rounds = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until && more()) {
        await round();
        rounds++;
      }
    }),
  );
  const units = rounds * unitsPerRound;
  const per = cpuPerUnit(before, sampleCpu(roles), units);
  const m = { what, units, mariadb: per.mariadb ?? 0, redis: per.redis ?? 0, node: (cpuMs(process.pid) - node) / units, roundTrips };
  log(`  ${what}: ${units} units, MariaDB ${m.mariadb.toFixed(3)} ms, Redis ${m.redis.toFixed(3)} ms, this process ${m.node.toFixed(3)} ms per unit`);
  return m;
}

async function main() {
  const services = await startServices(opts);
  // Its own pool, set up as the app's (READ COMMITTED, multi-statements): the app's is busy with the fixtures.
  const pool = createPool(opts.databaseUrl, CLIENTS + 2);
  try {
    await recreateDatabase(opts.databaseUrl);
    await seed(getDb(), { admin: { username: "admin", password: "admin12345" }, hashPassword });
    const shoppers = await makeShoppers(B * CLIENTS, { prefix: "floor" });
    const [hot] = await makeSkus([100_000_000], { product: "Floor", category: "Bench" });
    const sku = hot!;
    const [[location]] = (await getPool().query(`SELECT location_id FROM sku_locations WHERE sku_id = ?`, [sku])) as unknown as [[{ location_id: number }]];
    const results: Measured[] = [];
    let next = 0;
    const batchOf = (): { buyers: Shopper[]; served: PreparedOrder[] } => {
      const at = (next++ % CLIENTS) * B;
      const buyers = shoppers.slice(at, at + B);
      const served = buyers.map((s, i) =>
        prepareOrder(
          { req: { userId: s.id, addressId: s.addressId, payMethod: "cod", idempotencyKey: `floor.${next}.${i}` }, lines: [{ skuId: sku, count: 1 }], cartRevision: `r${next}.${i}` },
          TEST_ADDRESS,
          [{ skuId: sku, count: 1, name: "Floor", price: "10.00" }],
          "batched",
        ),
      );
      return { buyers, served };
    };
    const stockSql = "UPDATE skus SET stock = stock - ?, sales = sales + ? WHERE id = ? AND on_sale = 1 AND product_active = 1 AND stock >= ?";
    const locationSql = "UPDATE sku_locations SET stock = stock - ? WHERE sku_id = ? AND location_id = ?";
    const allocationSql = (n: number) => `INSERT INTO order_line_allocations (order_id, sku_id, location_id, count) VALUES ${Array(n).fill("(?, ?, ?, 1)").join(", ")}`;
    const batchStatements = async (served: PreparedOrder[], { outbox = true } = {}) => {
      const rows = await insertSql(outbox ? served : served.map((o) => ({ ...o, header: { ...o.header, shipEmail: "" } })));
      return [
        rows,
        { sql: stockSql, values: [B, B, sku, B] },
        { sql: locationSql, values: [B, sku, location.location_id] },
        { sql: allocationSql(B), values: served.flatMap((o) => [o.header.id, sku, location.location_id]) },
      ];
    };

    log(`== floor: batches of ${B} one-unit orders of one SKU, ${CLIENTS} clients, ${DURATION_MS / 1000} s each`);
    results.push(
      await measure("raw one-row UPDATE (autocommit), per statement", 1, 1, services, async () => {
        await pool.query("UPDATE skus SET stock = stock - 1, sales = sales + 1 WHERE id = ? AND stock >= 1", [sku]);
      }),
    );
    results.push(
      await measure("a batch's writes and COMMIT in one round trip, per order", B, 1 / B, services, async () => {
        const statements = await batchStatements(batchOf().served);
        const conn = await pool.getConnection();
        try {
          await conn.query(`START TRANSACTION; ${statements.map((s) => s.sql).join("; ")}; COMMIT`, statements.flatMap((s) => s.values));
        } finally {
          conn.release();
        }
      }),
    );
    // The confirmation's outbox row (issue 36: at most 3% of the checkout): the batch without its
    // e-mails' INSERT (orders without a snapshot e-mail queue none), the two arms alternating.
    const oneTrip = (outbox: boolean) => async () => {
      const statements = await batchStatements(batchOf().served, { outbox });
      const conn = await pool.getConnection();
      try {
        await conn.query(`START TRANSACTION; ${statements.map((s) => s.sql).join("; ")}; COMMIT`, statements.flatMap((s) => s.values));
      } finally {
        conn.release();
      }
    };
    const arms: Record<"with" | "without", Measured[]> = { with: [], without: [] };
    for (let round = 0; round < OUTBOX_ROUNDS; round++) {
      for (const arm of round % 2 === 0 ? (["without", "with"] as const) : (["with", "without"] as const)) {
        arms[arm].push(await measure(`outbox A/B round ${round + 1}: the batch ${arm} its confirmations' INSERT, per order`, B, 1 / B, services, oneTrip(arm === "with")));
      }
    }
    const mean = (ms: Measured[], pick: (m: Measured) => number) => ms.reduce((a, m) => a + pick(m), 0) / ms.length;
    const [withRow, withoutRow] = (["with", "without"] as const).map((arm): Measured => ({
      what: `the batch's writes ${arm} the confirmations' INSERT, mean of ${OUTBOX_ROUNDS} alternating runs, per order`,
      units: arms[arm].reduce((a, m) => a + m.units, 0),
      mariadb: mean(arms[arm], (m) => m.mariadb),
      redis: mean(arms[arm], (m) => m.redis),
      node: mean(arms[arm], (m) => m.node),
      roundTrips: 1 / B,
    })) as [Measured, Measured];
    results.push(withRow, withoutRow);
    results.push(
      await measure("the same, one round trip per statement, per order", B, 10 / B, services, async () => {
        const { served } = batchOf();
        const [rows, ...rest] = await batchStatements(served);
        const conn = await pool.getConnection();
        try {
          await conn.query("START TRANSACTION");
          // insertOrders' statements one by one: split its multi-statement text and its values.
          let at = 0;
          for (const sql of rows!.sql.split(";\n")) {
            const n = sql.split("?").length - 1;
            await conn.query<ResultSetHeader>(sql, rows!.values.slice(at, at + n));
            at += n;
          }
          for (const s of rest) await conn.query(s.sql, s.values);
          await conn.query("COMMIT");
        } finally {
          conn.release();
        }
      }),
    );
    // Orders whose flag the next measurement clears (all of them are flagged as written).
    const [flagged] = (await pool.query("SELECT id FROM orders WHERE cart_cleanup_pending = 1")) as unknown as [{ id: string }[]];
    if (flagged.length < B) throw new Error(`only ${flagged.length} orders are flagged for cleanup`);
    let cursor = 0;
    results.push(
      await measure("cart cleanup flags cleared, one UPDATE per batch, per order", B, 1 / B, services, async () => {
        const ids = flagged.slice(cursor, cursor + B).map((r) => r.id);
        cursor += B;
        await pool.query(`UPDATE orders SET cart_cleanup_pending = 0 WHERE id IN (${placeholders(ids.length)})`, ids);
      },
      // Once over the orders the batches wrote: a cleared flag cleared again writes nothing.
      () => cursor + B <= flagged.length,
      ),
    );
    let seq = 0;
    results.push(
      await measure("Redis: the bench's cart refill, per order", 1, 1, services, async () => {
        await fillCart(shoppers[seq++ % shoppers.length]!, [{ skuId: sku, count: 1 }]);
      }),
    );
    results.push(
      await measure("Redis: cart read and bought lines taken out, per order", 1, 2, services, async () => {
        const s = shoppers[seq++ % shoppers.length]!;
        const owner = userOwner(s.id);
        await readCart(owner);
        await takeBoughtLines(owner, `floor-${seq}`, [{ skuId: sku, count: 1 }]);
      }),
    );
    const table = [
      "| what | MariaDB ms | Redis ms | Node ms (mysql2/ioredis client) | round trips |",
      "|---|---:|---:|---:|---:|",
      ...results.map((r) => `| ${r.what} | ${r.mariadb.toFixed(3)} | ${r.redis.toFixed(3)} | ${r.node.toFixed(3)} | ${r.roundTrips.toFixed(2)} |`),
    ];
    const row = { mariadb: withRow.mariadb - withoutRow.mariadb, node: withRow.node - withoutRow.node };
    table.push(
      "",
      `The confirmation's outbox row: MariaDB ${row.mariadb.toFixed(4)} ms and mysql2 ${row.node.toFixed(4)} ms per order ` +
        `(${((100 * row.mariadb) / withoutRow.mariadb).toFixed(1)}% of the batch's MariaDB writes). Set it against the checkout's whole CPU per order from \`npm run bench\`'s hot W=64 cell.`,
    );
    process.stdout.write(`\n${table.join("\n")}\n`);
  } finally {
    await closeRedis();
    await pool.end();
    await closeDb();
    await services.stop();
  }
}

main().catch((e: unknown) => {
  log(`floor failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
