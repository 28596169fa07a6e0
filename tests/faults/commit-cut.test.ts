import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/db";
import { fillCart, snapshotSkus, type Shopper } from "../support/fixtures";
import { call, checkout, orderIdOf } from "./client";
import { invariantViolations, useFaultStack } from "./stack";

async function ordersOf(shopper: Shopper): Promise<string[]> {
  const [rows] = await getPool().query("SELECT id FROM orders WHERE user_id = ?", [shopper.id]);
  return (rows as { id: string }[]).map((r) => r.id);
}

describe("a database connection cut during COMMIT (outcome unknown to the server)", () => {
  const f = useFaultStack({ proxy: true, product: "Commit fault product", stocks: [20], shoppers: 2 });

  beforeAll(async () => {
    for (const s of f.shoppers) await fillCart(s, [{ skuId: f.skuIds[0]!, count: 2 }]);
  });

  it("committed but unacknowledged: the retry with the same key finds that order, none is added, and the cart is cleaned", async () => {
    const { client, proxy, shoppers, skuIds: [skuId] } = f;
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
    expect((await snapshotSkus()).get(skuId!)).toEqual({ stock: 18, sales: 2 });

    // The server never learnt the order committed, so it never cleaned the cart; the order was
    // written flagged, so the shopper's next look at the cart takes the bought lines off, and a
    // new checkout (a fresh key, as a reloaded page sends) cannot buy them a second time.
    const cart = await call(client, "GET", "/api/cart", shopper);
    expect(cart.status).toBe(200);
    expect(cart.body).toMatchObject({ items: [] });
    const again = await checkout(client, shopper, randomUUID());
    expect(again).toMatchObject({ status: 400, code: "EMPTY_CART" });
    expect(await ordersOf(shopper)).toEqual(committed);
    expect(await invariantViolations(f.start)).toEqual([]);
  });

  it("cut before the COMMIT got through: nothing was written, the retry makes exactly one order", async () => {
    const { client, proxy, shoppers, skuIds: [skuId] } = f;
    const shopper = shoppers[1]!;
    const key = randomUUID();
    proxy.fault = { kind: "drop" };
    const first = await checkout(client, shopper, key);
    expect(first).toMatchObject({ status: 503, code: "DB_UNAVAILABLE" });
    expect(await ordersOf(shopper)).toEqual([]);
    expect((await snapshotSkus()).get(skuId!)).toEqual({ stock: 18, sales: 2 });

    const retry = await checkout(client, shopper, key);
    expect(retry.status).toBe(201);
    expect(await ordersOf(shopper)).toEqual([orderIdOf(retry)]);
    // A second retry (the client never saw the 201, say) returns the same order.
    const again = await checkout(client, shopper, key);
    expect(again.status).toBe(200);
    expect(orderIdOf(again)).toBe(orderIdOf(retry));
    expect((await snapshotSkus()).get(skuId!)).toEqual({ stock: 16, sales: 4 });
    expect(await invariantViolations(f.start)).toEqual([]);
  });
});
