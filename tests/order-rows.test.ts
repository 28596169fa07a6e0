import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, transaction, type Conn } from "@/db";
import { mailOutbox, orderEvents, orderLineAllocations, orderLines, orders, skuLocations } from "@/db/schema";
import { isMissingOrder } from "@/lib/errors";
import { prepareOrder } from "@/lib/orders/draft";
import { allocateFromLocations } from "@/lib/orders/allocation";
import { insertOrders, OrdersGone } from "@/lib/orders/order-rows";
import { makeShoppers, makeSkus, TEST_ADDRESS } from "./support/fixtures";

/**
 * insertOrders sends a batch's rows as one multi-statement query, and allocateFromLocations its
 * location take with the allocations. On Galera a brute-force abort can roll the transaction back
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

/** A batch as the checkout prepares it: `shoppers` orders of `count` units of a new SKU, shipped to TEST_ADDRESS (with an e-mail). */
async function batchOf(shoppers: number, count: number) {
  const [skuId] = await makeSkus([10]);
  return (await makeShoppers(shoppers)).map((s) =>
    prepareOrder(
      { req: { userId: s.id, addressId: s.addressId, payMethod: "cod", idempotencyKey: randomUUID() }, lines: [{ skuId: skuId!, count }], cartRevision: randomUUID().slice(0, 16) },
      TEST_ADDRESS,
      [{ skuId: skuId!, count, name: "Row test", price: "10.00" }],
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
  });

  it("takes no location's units when the transaction is rolled back between the take and the allocations", async () => {
    const served = await batchOf(2, 1);
    const skuId = served[0]!.lines[0]!.skuId;
    const stockAt = async () => (await getDb().select({ stock: skuLocations.stock }).from(skuLocations).where(inArray(skuLocations.skuId, [skuId]))).map((l) => l.stock);
    const before = await stockAt();
    const err = await rolledBack(async (tx) => {
      await insertOrders(tx, served);
      await allocateFromLocations(
        abortingAfter(1, tx),
        served.map((o) => ({ orderId: o.header.id, lines: o.lines })),
      );
    });
    expect(err).toBeInstanceOf(OrdersGone);
    expect(await stockAt()).toEqual(before);
    const ids = served.map((o) => o.header.id);
    expect(await getDb().select().from(orderLineAllocations).where(inArray(orderLineAllocations.orderId, ids))).toHaveLength(0);
    expect(await getDb().select().from(orders).where(inArray(orders.id, ids))).toHaveLength(0);
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
    await rolledBack(async (tx) => {
      await insertOrders(tx, served);
      const a = await scanned(tx);
      const b = await scanned(tx);
      await allocateFromLocations(
        tx,
        served.map((o) => ({ orderId: o.header.id, lines: o.lines })),
      );
      const c = await scanned(tx);
      shown = b - a;
      read = c - b - shown;
    });
    expect(shown).toBeGreaterThanOrEqual(0);
    expect(read).toBe(0);
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
