import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { beginTransaction, getDb, getPool, type Conn } from "@/db";
import { mailOutbox, orderEvents, orderLines, orders } from "@/db/schema";
import { isMissingOrder } from "@/lib/errors";
import { prepareOrder } from "@/lib/orders/draft";
import { insertOrders, OrdersGone } from "@/lib/orders/order-rows";
import { makeShoppers, makeSkus, TEST_ADDRESS } from "./support/fixtures";

/**
 * insertOrders sends a batch's rows after its headers as one multi-statement query. On Galera a
 * brute-force abort can roll the transaction back between two of its statements, and MariaDB
 * then runs the rest in autocommit. This plays that: the query's first `k` statements run in the
 * transaction, then the transaction is rolled back, then the rest run as MariaDB would.
 */
function abortingAfter(k: number, conn: Conn): Conn {
  let trip = 0;
  return new Proxy(conn, {
    get(target, prop) {
      if (prop !== "query") return Reflect.get(target, prop);
      return async (sql: string, values: unknown[]) => {
        if (++trip === 1 || !sql.includes(";\n")) return target.query(sql, values);
        const statements = sql.split(";\n");
        const before = statements.slice(0, k).join(";\n");
        const n = before.split("?").length - 1;
        await target.query(before, values.slice(0, n));
        await target.query("ROLLBACK");
        return target.query(statements.slice(k).join(";\n"), values.slice(n));
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

describe("a batch's rows in one round trip", () => {
  // Its second query holds three statements (the confirmations, the lines, the events): an abort after the first or the second.
  it.each([1, 2])("writes nothing and asks for the commit again when the transaction is rolled back after statement %i of its second query", async (k) => {
    const served = await batchOf(3, 1);
    expect(served.every((o) => o.header.shipEmail !== "")).toBe(true);
    const conn = await beginTransaction(getPool(), "read committed");
    try {
      const err = await insertOrders(abortingAfter(k, conn), served).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OrdersGone);
    } finally {
      await conn.query("ROLLBACK");
      conn.release();
    }
    const ids = served.map((o) => o.header.id);
    const db = getDb();
    expect(await db.select().from(orders).where(inArray(orders.id, ids))).toHaveLength(0);
    expect(await db.select().from(orderLines).where(inArray(orderLines.orderId, ids))).toHaveLength(0);
    expect(await db.select().from(orderEvents).where(inArray(orderEvents.orderId, ids))).toHaveLength(0);
    expect(await db.select().from(mailOutbox).where(inArray(mailOutbox.orderId, ids))).toHaveLength(0);
  });

  it("writes every row when nothing interrupts it", async () => {
    const served = await batchOf(2, 2);
    const conn = await beginTransaction(getPool(), "read committed");
    try {
      await insertOrders(conn, served);
      await conn.query("COMMIT");
    } finally {
      conn.release();
    }
    const ids = served.map((o) => o.header.id);
    const db = getDb();
    expect(await db.select().from(orderLines).where(inArray(orderLines.orderId, ids))).toHaveLength(2);
    expect(await db.select().from(orderEvents).where(inArray(orderEvents.orderId, ids))).toHaveLength(2);
    const mails = await db.select().from(mailOutbox).where(inArray(mailOutbox.orderId, ids));
    expect(mails.map((m) => [m.kind, m.recipient])).toEqual(ids.map(() => ["order_created", TEST_ADDRESS.email]));
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
