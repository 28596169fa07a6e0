import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/db";
import { GUEST_COOKIE, newGuestId } from "@/lib/cart/guest";
import { cartKeys, guestOwner } from "@/lib/cart/store";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { makeSkus, redis, snapshotSkus, type Shopper } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { waitFor } from "../support/wait";
import { call } from "./client";
import { faultStack, invariantViolations, stockAtStart, type FaultStack } from "./stack";
import { waitForExit } from "./services";

const BODY = {
  email: "killed.guest@example.com",
  address: { name: "Killed Guest", phone: "+1 555 0100", line1: "1 Crash Lane", city: "Portland", region: "OR", postcode: "97201", country: "US" },
  payMethod: "cod",
};

async function guestOrders(guestId: string) {
  const [rows] = await getPool().query(
    "SELECT o.id, o.cart_cleanup_pending FROM orders o JOIN users u ON u.id = o.user_id WHERE u.guest_id = ?",
    [guestId],
  );
  return rows as { id: string; cart_cleanup_pending: number }[];
}

// The guest version of killed-after-commit.test.ts: the process dies after its COMMIT reached the
// database and before it took the bought lines out of the guest cart. The guest cart's shadow
// owner carries the same cleanup flag, so the restarted server settles it before the cart can be
// bought again, and a replay of the first key answers the first order.
describe("the server killed between COMMIT and a guest cart's cleanup", () => {
  let stack: FaultStack;
  let skuId: number;

  beforeAll(async () => {
    stack = await faultStack({ startServer: false, proxy: true });
    skuId = (await makeSkus([50], { product: "Guest killed after commit product" }))[0]!;
  }, 120_000);
  afterAll(() => stack?.stop());

  it.each(CHECKOUT_STRATEGIES)("%s: a fresh key buys nothing again, the replayed key answers the order, the guest cart is clean", async (strategy) => {
    stack.server.env.CHECKOUT_STRATEGY = strategy;
    await stack.server.start();
    const guestId = newGuestId();
    const guest = { cookie: `${GUEST_COOKIE}=${guestId}` } as Shopper;
    const k = cartKeys(guestOwner(guestId));
    await redis().multi().hset(k.items, String(skuId), "2").sadd(k.selected, String(skuId)).exec();
    const start = await stockAtStart();
    const before = (await snapshotSkus()).get(skuId)!;
    const key = randomUUID();

    const client = new HttpClient(stack.server.base, 2);
    stack.proxy!.fault = { kind: "reply-held" };
    const first = call(client, "POST", "/api/orders", guest, BODY, { "idempotency-key": key });
    await waitFor("the order to commit", async () => (await guestOrders(guestId)).length === 1, 20_000, 10);
    stack.server.signal("SIGKILL");
    expect((await first).status).toBe(0);
    await waitForExit(stack.server.child!);
    client.close();
    stack.proxy!.fault = undefined;
    const [committed] = await guestOrders(guestId);
    expect(committed!.cart_cleanup_pending).toBe(1);

    await stack.server.start();
    const retry = new HttpClient(stack.server.base, 2);
    try {
      const again = await call(retry, "POST", "/api/orders", guest, BODY, { "idempotency-key": randomUUID() });
      expect([again.status, again.code]).toSatisfy(([status, code]) => (status === 409 && code === "CART_ALREADY_ORDERED") || (status === 400 && code === "EMPTY_CART"));
      const replay = await call(retry, "POST", "/api/orders", guest, BODY, { "idempotency-key": key });
      expect(replay.status).toBe(200);
      expect((replay.body.order as { orderId: string }).orderId).toBe(committed!.id);
      expect(replay.body.orderUrl).toMatch(new RegExp(`^/orders/${committed!.id}\\?token=`));
      const cart = await call(retry, "GET", "/api/cart", guest);
      expect(cart.body.items).toEqual([]);
      await waitFor("the flag cleared", async () => (await guestOrders(guestId))[0]?.cart_cleanup_pending === 0, 10_000);
      expect(await guestOrders(guestId)).toEqual([{ id: committed!.id, cart_cleanup_pending: 0 }]);
      expect((await snapshotSkus()).get(skuId)).toEqual({ stock: before.stock - 2, sales: before.sales + 2 });
      expect(await invariantViolations(start)).toEqual([]);
    } finally {
      retry.close();
      await stack.server.stop();
    }
  }, 120_000);
});
