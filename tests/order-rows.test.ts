import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import mysql from "mysql2";
import { commitWith, getDb, transaction, type Conn } from "@/db";
import { sqlDatetime } from "@/db/datetime";
import { mailOutbox, orderEvents, orderLineAllocations, orderLines, orders, skuLocations, skus } from "@/db/schema";
import { isMissingOrder } from "@/lib/errors";
import { prepareOrder } from "@/lib/orders/draft";
import { commitSplit, lockingLocations, splitOverLocations } from "@/lib/orders/allocation";
import { insertOrders, OrdersGone } from "@/lib/orders/order-rows";
import { STOCK_STEPS } from "@/lib/orders/stock";
import { makeShoppers, makeSkus, TEST_ADDRESS } from "./support/fixtures";

/**
 * insertOrders sends a batch's rows as one multi-statement query; the stock step's last change
 * carries the locations' locked read, and commitSplit sends the location take with the
 * allocations and the COMMIT. On Galera a brute-force abort can roll the transaction back
 * between two statements of one query, and MariaDB then runs the rest in autocommit. This plays
 * that on the first multi-statement query: its first `k` statements run in the transaction, then
 * the transaction is rolled back, then the rest run as MariaDB would.
 */
function abortingAfter(k: number, conn: Conn): Conn {
  let done = false;
  return new Proxy(conn, {
    get(target, prop) {
      if (prop !== "query") return Reflect.get(target, prop);
      return async (sql: string, values: unknown[]) => {
        if (done || !sql.includes(";\n")) return target.query(sql, values);
        done = true;
        const statements = sql.split(";\n");
        // Each part's statements one by one, so their results make one query's (an array of k + rest).
        const results: unknown[] = [];
        let at = 0;
        const run = async (part: string[]) => {
          for (const statement of part) {
            const n = statement.split("?").length - 1;
            results.push((await target.query(statement, values.slice(at, (at += n))))[0]);
          }
        };
        await run(statements.slice(0, k));
        await target.query("ROLLBACK");
        await run(statements.slice(k));
        return [results, []];
      };
    },
  });
}

/**
 * A batch as the checkout prepares it: `shoppers` orders of `count` units of each of `skuCount`
 * new SKUs, shipped to TEST_ADDRESS (with an e-mail). With two SKUs the stock change goes out once
 * per SKU, the locations' read behind the second.
 */
async function batchOf(shoppers: number, count: number, skuCount = 1) {
  const skuIds = await makeSkus(Array.from({ length: skuCount }, () => 10));
  return (await makeShoppers(shoppers)).map((s) =>
    prepareOrder(
      { req: { userId: s.id, addressId: s.addressId, payMethod: "cod", idempotencyKey: randomUUID() }, lines: skuIds.map((skuId) => ({ skuId, count })), cartRevision: randomUUID().slice(0, 16) },
      TEST_ADDRESS,
      skuIds.map((skuId, i) => ({ skuId, count, name: `Row test ${i + 1}`, price: "10.00" })),
      "batched",
    ),
  );
}

/** Runs `body` in a checkout transaction and rolls it back; what `body` threw, or undefined. */
async function rolledBack(body: (tx: Conn) => Promise<unknown>): Promise<unknown> {
  const rollback = new Error("roll back");
  let thrown: unknown;
  await transaction(
    async (tx) => {
      thrown = await body(tx).then(
        () => undefined,
        (e: unknown) => e,
      );
      throw rollback;
    },
    { isolationLevel: "read committed" },
  ).catch((e: unknown) => expect(e).toBe(rollback));
  return thrown;
}

const boughtOf = (served: Awaited<ReturnType<typeof batchOf>>) => served.map((o) => ({ orderId: o.header.id, lines: o.lines }));

/** The batched checkout's stock change with the locations' locked read, as lib/orders/commit.ts sends it, and the split it reads. */
async function takeAndSplit(tx: Conn, served: Awaited<ReturnType<typeof batchOf>>) {
  const bought = boughtOf(served);
  return splitOverLocations(
    bought,
    await STOCK_STEPS.batched.takeAll!(
      tx,
      served.map((o) => o.lines),
      lockingLocations(bought),
    ),
  );
}

/** The batched checkout's writes after its orders' rows; `taking` and `committing` stand in for `tx` where given. */
async function takeAndCommit(tx: Conn, served: Awaited<ReturnType<typeof batchOf>>, { taking = tx, committing = tx }: { taking?: Conn; committing?: Conn } = {}) {
  await commitSplit(committing, await takeAndSplit(taking, served));
}

/** What a batch's SKU holds, in `skus` and over its location rows. */
async function stockOf(skuId: number) {
  const db = getDb();
  const [row] = await db.select({ stock: skus.stock, sales: skus.sales }).from(skus).where(inArray(skus.id, [skuId]));
  const locations = await db.select({ stock: skuLocations.stock }).from(skuLocations).where(inArray(skuLocations.skuId, [skuId]));
  return { ...row!, locations: locations.map((l) => l.stock) };
}

/** No row of these orders anywhere. */
async function nothingOf(served: Awaited<ReturnType<typeof batchOf>>) {
  const ids = served.map((o) => o.header.id);
  const db = getDb();
  expect(await db.select().from(orders).where(inArray(orders.id, ids))).toHaveLength(0);
  expect(await db.select().from(orderLines).where(inArray(orderLines.orderId, ids))).toHaveLength(0);
  expect(await db.select().from(orderLineAllocations).where(inArray(orderLineAllocations.orderId, ids))).toHaveLength(0);
}

/**
 * The batch's rows, then its take and commit with the transaction rolled back after statement `k`
 * of the `at` query: the commit is asked for again, and nothing was written or taken.
 */
async function abortedAfter(k: number, at: "taking" | "committing", served: Awaited<ReturnType<typeof batchOf>>) {
  const skuIds = served[0]!.lines.map((l) => l.skuId);
  const before = await Promise.all(skuIds.map(stockOf));
  const err = await rolledBack(async (tx) => {
    await insertOrders(tx, served);
    await takeAndCommit(tx, served, { [at]: abortingAfter(k, tx) });
  });
  expect(err).toBeInstanceOf(OrdersGone);
  expect(await Promise.all(skuIds.map(stockOf))).toEqual(before);
  await nothingOf(served);
}

describe("a batch's rows in one round trip", () => {
  // Its query holds five statements (the orders, the confirmations, the lines, the events, the numbers' read): an abort after each of the first four.
  it.each([1, 2, 3, 4])("writes nothing and asks for the commit again when the transaction is rolled back after statement %i", async (k) => {
    const served = await batchOf(3, 1);
    expect(served.every((o) => o.header.shipEmail !== "")).toBe(true);
    expect(await rolledBack((tx) => insertOrders(abortingAfter(k, tx), served))).toBeInstanceOf(OrdersGone);
    const ids = served.map((o) => o.header.id);
    const db = getDb();
    expect(await db.select().from(orders).where(inArray(orders.id, ids))).toHaveLength(0);
    expect(await db.select().from(orderLines).where(inArray(orderLines.orderId, ids))).toHaveLength(0);
    expect(await db.select().from(orderEvents).where(inArray(orderEvents.orderId, ids))).toHaveLength(0);
    expect(await db.select().from(mailOutbox).where(inArray(mailOutbox.orderId, ids))).toHaveLength(0);
  });

  it("writes every row and learns every order's number when nothing interrupts it", async () => {
    const served = await batchOf(2, 2);
    await transaction((tx) => insertOrders(tx, served), { isolationLevel: "read committed" });
    const ids = served.map((o) => o.header.id);
    const db = getDb();
    const written = await db.select({ id: orders.id, orderNumber: orders.orderNumber }).from(orders).where(inArray(orders.id, ids));
    expect(new Map(written.map((o) => [o.id, o.orderNumber]))).toEqual(new Map(served.map((o) => [o.header.id, o.orderNumber])));
    expect(await db.select().from(orderLines).where(inArray(orderLines.orderId, ids))).toHaveLength(2);
    expect(await db.select().from(orderEvents).where(inArray(orderEvents.orderId, ids))).toHaveLength(2);
    const mails = await db.select().from(mailOutbox).where(inArray(mailOutbox.orderId, ids));
    expect(mails.map((m) => [m.kind, m.recipient])).toEqual(ids.map(() => ["order_created", TEST_ADDRESS.email]));
    // The times go as prebuilt strings (sqlDatetime), to the millisecond the draft holds.
    const stamped = await db.select({ id: orders.id, createdAt: orders.createdAt, updatedAt: orders.updatedAt }).from(orders).where(inArray(orders.id, ids));
    const placed = await db.select({ id: orderEvents.orderId, createdAt: orderEvents.createdAt }).from(orderEvents).where(inArray(orderEvents.orderId, ids));
    const expected = new Map(served.map((o) => [o.header.id, o.header.createdAt.getTime()]));
    expect(new Map(stamped.map((o) => [o.id, o.createdAt.getTime()]))).toEqual(expected);
    expect(new Map(stamped.map((o) => [o.id, o.updatedAt.getTime()]))).toEqual(expected);
    expect(new Map(placed.map((e) => [e.id, e.createdAt.getTime()]))).toEqual(expected);
  });

  it("writes a time exactly as mysql2 would write the Date (the pool's UTC)", () => {
    for (const d of [new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)), new Date(Date.UTC(2030, 6, 1))]) {
      expect(`'${sqlDatetime(d)}'`).toBe(mysql.format("?", [d], false, "Z"));
    }
  });

  it("takes the units, splits them over the locations and commits, every row there", async () => {
    const served = await batchOf(3, 2);
    const skuId = served[0]!.lines[0]!.skuId;
    await transaction((tx) => insertOrders(tx, served).then(() => takeAndCommit(tx, served)), { isolationLevel: "read committed" });
    expect(await stockOf(skuId)).toEqual({ stock: 4, sales: 6, locations: [4] });
    const ids = served.map((o) => o.header.id);
    const allocated = await getDb().select().from(orderLineAllocations).where(inArray(orderLineAllocations.orderId, ids));
    expect(allocated.map((a) => a.count)).toEqual([2, 2, 2]);
  });

  // The stock change's query: the change, the locations' locked read, the read of the first order.
  it.each([1, 2])("takes no unit and asks for the commit again when the transaction is rolled back after statement %i of the stock change's query", async (k) => {
    await abortedAfter(k, "taking", await batchOf(2, 1));
  });

  it.each([1, 2])("takes no unit of either SKU when the transaction is rolled back after statement %i of the second SKU's query", async (k) => {
    await abortedAfter(k, "taking", await batchOf(2, 1, 2));
  });

  // The last query: the location take, the allocations, COMMIT, the read of the first order.
  it.each([1, 2])("commits nothing and asks for the commit again when the transaction is rolled back after statement %i of the committing query", async (k) => {
    await abortedAfter(k, "committing", await batchOf(2, 1));
  });

  it("takes a batch's units by reading only the location rows it changes, however many the shop has", async () => {
    await makeSkus(Array.from({ length: 40 }, () => 1));
    const served = await batchOf(3, 1);
    const scanned = async (tx: Conn) => {
      const [[row]] = (await tx.query("SHOW SESSION STATUS LIKE 'Handler_read_rnd_next'", [])) as unknown as [[{ Value: string }]];
      return Number(row.Value);
    };
    let read = -1;
    let shown = -1;
    await transaction(async (tx) => {
      await insertOrders(tx, served);
      const split = await takeAndSplit(tx, served);
      const a = await scanned(tx);
      const b = await scanned(tx);
      await commitSplit(tx, split);
      const c = await scanned(tx);
      shown = b - a;
      read = c - b - shown;
    }, { isolationLevel: "read committed" });
    expect(shown).toBeGreaterThanOrEqual(0);
    expect(read).toBe(0);
  });

  it("refuses to end a transaction with its first query (a lost reply would send the COMMIT again)", async () => {
    await expect(transaction((tx) => commitWith(tx, "SELECT 1", "SELECT 1", []), { isolationLevel: "read committed" })).rejects.toThrow(/earlier query/);
  });

  it("knows a foreign key to orders that found no order from any other refusal", () => {
    const fk = (table: string, parent: string) =>
      Object.assign(new Error("fk"), { errno: 1452, sqlMessage: `Cannot add or update a child row: a foreign key constraint fails (\`db\`.\`${table}\`, CONSTRAINT \`c\` FOREIGN KEY (\`x\`) REFERENCES \`${parent}\` (\`id\`))` });
    expect(isMissingOrder(fk("order_lines", "orders"))).toBe(true);
    expect(isMissingOrder(new Error("wrapped", { cause: fk("order_events", "orders") }))).toBe(true);
    expect(isMissingOrder(fk("order_lines", "skus"))).toBe(false);
    expect(isMissingOrder(Object.assign(new Error("dup"), { errno: 1062, sqlMessage: "REFERENCES `orders` (`id`)" }))).toBe(false);
  });
});
