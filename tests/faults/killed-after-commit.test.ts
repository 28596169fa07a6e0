import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/db";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { fillCart, makeShoppers, makeSkus, snapshotSkus } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { waitFor } from "../support/wait";
import { call, checkout } from "./client";
import { faultStack, invariantViolations, stockAtStart, type FaultStack } from "./stack";
import { waitForExit } from "./services";

async function ordersOf(userId: number) {
  const [rows] = await getPool().query("SELECT id, cart_cleanup_pending FROM orders WHERE user_id = ?", [userId]);
  return rows as { id: string; cart_cleanup_pending: number }[];
}

// The process dies after its COMMIT reached the database and before it took the bought lines
// out of the cart: the proxy keeps MariaDB's OK from the server, and the test kills the server
// once the order is in the database. Every strategy writes its orders flagged for cleanup, so
// the restarted server finishes the cleanup before the cart can be bought again.
describe("the server killed between COMMIT and the cart cleanup", () => {
  let stack: FaultStack;
  let skuId: number;

  beforeAll(async () => {
    stack = await faultStack({ startServer: false, proxy: true });
    skuId = (await makeSkus([50], { product: "Killed after commit product" }))[0]!;
  }, 120_000);
  afterAll(() => stack?.stop());

  it.each(CHECKOUT_STRATEGIES)("%s: a fresh key does not buy the same lines again, and the cart no longer holds them", async (strategy) => {
    stack.server.env.CHECKOUT_STRATEGY = strategy;
    await stack.server.start();
    const [shopper] = await makeShoppers(1, { prefix: `killed-${strategy}` });
    await fillCart(shopper!, [{ skuId, count: 2 }]);
    const start = await stockAtStart();
    const before = (await snapshotSkus()).get(skuId)!;

    const client = new HttpClient(stack.server.base, 2);
    stack.proxy!.fault = { kind: "reply-held" };
    const first = checkout(client, shopper!);
    await waitFor("the order to commit", async () => (await ordersOf(shopper!.id)).length === 1, 20_000, 10);
    stack.server.signal("SIGKILL");
    expect((await first).status).toBe(0);
    await waitForExit(stack.server.child!);
    client.close();
    stack.proxy!.fault = undefined;
    const [committed] = await ordersOf(shopper!.id);
    expect(committed!.cart_cleanup_pending).toBe(1);

    await stack.server.start();
    const retryClient = new HttpClient(stack.server.base, 2);
    try {
      // A reloaded page submits with a fresh key: refused, never a second order.
      const again = await checkout(retryClient, shopper!, randomUUID());
      expect([again.status, again.code]).toSatisfy(([status, code]) => (status === 409 && code === "CART_ALREADY_ORDERED") || (status === 400 && code === "EMPTY_CART"));
      if (again.status === 409) expect(again.body.error).toMatchObject({ orderId: committed!.id });
      const cart = await call(retryClient, "GET", "/api/cart", shopper!);
      expect(cart.body.items).toEqual([]);
      expect(await ordersOf(shopper!.id)).toEqual([{ id: committed!.id, cart_cleanup_pending: 0 }]);
      expect((await snapshotSkus()).get(skuId)).toEqual({ stock: before.stock - 2, sales: before.sales + 2 });
      expect(await invariantViolations(start)).toEqual([]);
    } finally {
      retryClient.close();
      await stack.server.stop();
    }
  }, 120_000);
});
