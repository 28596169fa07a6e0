import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillCart, makeShoppers, makeSkus, type Shopper, snapshotSkus } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { getPool } from "@/db";
import { call, checkout, orderIdOf } from "./client";
import { CommitProxy } from "./commit-proxy";
import { faultStack, invariantViolations, stockAtStart } from "./stack";
import { PORTS } from "./services";

async function ordersOf(shopper: Shopper): Promise<string[]> {
  const [rows] = await getPool().query("SELECT id FROM orders WHERE user_id = ?", [shopper.id]);
  return (rows as { id: string }[]).map((r) => r.id);
}

describe("a database connection cut during COMMIT (outcome unknown to the server)", () => {
  let stack: Awaited<ReturnType<typeof faultStack>>;
  let proxy: CommitProxy;
  let client: HttpClient;
  let shoppers: Shopper[];
  let skuId: number;
  let start: Map<number, number>;

  beforeAll(async () => {
    // The server reaches MariaDB only through the proxy; this test process connects directly.
    stack = await faultStack({ startServer: false, dbPort: PORTS.proxy });
    proxy = new CommitProxy(PORTS.proxy, stack.mariadb.port);
    await proxy.start();
    await stack.server.start();
    client = new HttpClient(stack.server.base, 4);
    skuId = (await makeSkus([20], { product: "Commit fault product" }))[0]!;
    shoppers = await makeShoppers(2, { prefix: "commitcut" });
    for (const s of shoppers) await fillCart(s, [{ skuId, count: 2 }]);
    start = await stockAtStart();
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await stack?.stop();
    await proxy?.close();
  });

  it("committed but unacknowledged: the retry with the same key finds that order, none is added, and the cart is cleaned", async () => {
    const shopper = shoppers[0]!;
    const key = randomUUID();
    proxy.fault = { kind: "ack-lost" };
    const first = await checkout(client, shopper, key);
    expect(first).toMatchObject({ status: 503, code: "DB_UNAVAILABLE" });
    const committed = await ordersOf(shopper);
    expect(committed).toHaveLength(1);

    const retry = await checkout(client, shopper, key);
    expect(retry.status).toBe(200);
    expect(orderIdOf(retry)).toBe(committed[0]);
    expect(await ordersOf(shopper)).toEqual(committed);
    expect((await snapshotSkus()).get(skuId)).toEqual({ stock: 18, sales: 2 });

    // The server never learnt the order committed, so it never cleaned the cart; the order was
    // written flagged, so the shopper's next look at the cart takes the bought lines off, and a
    // new checkout (a fresh key, as a reloaded page sends) cannot buy them a second time.
    const cart = await call(client, "GET", "/api/cart", shopper);
    expect(cart.status).toBe(200);
    expect(cart.body).toMatchObject({ items: [] });
    const again = await checkout(client, shopper, randomUUID());
    expect(again).toMatchObject({ status: 400, code: "EMPTY_CART" });
    expect(await ordersOf(shopper)).toEqual(committed);
    expect(await invariantViolations(start)).toEqual([]);
  });

  it("cut before the COMMIT got through: nothing was written, the retry makes exactly one order", async () => {
    const shopper = shoppers[1]!;
    const key = randomUUID();
    proxy.fault = { kind: "drop" };
    const first = await checkout(client, shopper, key);
    expect(first).toMatchObject({ status: 503, code: "DB_UNAVAILABLE" });
    expect(await ordersOf(shopper)).toEqual([]);
    expect((await snapshotSkus()).get(skuId)).toEqual({ stock: 18, sales: 2 });

    const retry = await checkout(client, shopper, key);
    expect(retry.status).toBe(201);
    expect(await ordersOf(shopper)).toEqual([orderIdOf(retry)]);
    // A second retry (the client never saw the 201, say) returns the same order.
    const again = await checkout(client, shopper, key);
    expect(again.status).toBe(200);
    expect(orderIdOf(again)).toBe(orderIdOf(retry));
    expect((await snapshotSkus()).get(skuId)).toEqual({ stock: 16, sales: 4 });
    expect(await invariantViolations(start)).toEqual([]);
  });
});
