import { beforeAll, describe, expect, it } from "vitest";
import { fillCart, snapshotSkus } from "../support/fixtures";
import { healthy } from "../support/health";
import { waitFor } from "../support/wait";
import { call, checkout } from "./client";
import { invariantViolations, orderCount, useFaultStack } from "./stack";

describe("Redis stopped while shoppers browse and check out", () => {
  const f = useFaultStack({ product: "Redis fault product", stocks: [50, 50], shoppers: 6, sockets: 16 });

  beforeAll(async () => {
    for (const s of f.shoppers) await fillCart(s, [{ skuId: f.skuIds[0]!, count: 2 }]);
    // Warm the server's Redis connection and script cache before the fault.
    expect((await call(f.client, "GET", "/api/cart", f.shoppers[0])).status).toBe(200);
  });

  it("answers 503 CART_UNAVAILABLE for the cart and checkout, changes nothing, and recovers without a restart", async () => {
    const { stack, client, shoppers, skuIds } = f;
    const ordersBefore = await orderCount();
    const stockBefore = await snapshotSkus();
    const serverPid = stack.server.child!.pid;

    await stack.redis.stop("SIGKILL");

    // Every cart route and checkout, while shoppers keep going (several at once).
    const answers = await Promise.all(
      shoppers.flatMap((s) => [
        call(client, "GET", "/api/cart", s),
        call(client, "POST", "/api/cart/items", s, { skuId: skuIds[1], count: 1 }),
        call(client, "PUT", `/api/cart/items/${skuIds[0]}`, s, { count: 3 }),
        call(client, "PUT", "/api/cart/selection", s, { selected: true }),
        checkout(client, s),
      ]),
    );
    for (const a of answers) {
      expect(a, JSON.stringify(a.body)).toMatchObject({ status: 503, code: "CART_UNAVAILABLE" });
      expect(a.message).toMatch(/cart is temporarily unavailable/i);
      expect(a.headers["retry-after"]).toBeDefined();
    }

    // Browsing what does not need Redis still works; health names what is down.
    expect((await call(client, "GET", "/api/products")).status).toBe(200);
    // Sessions are read from the table while Redis is down: the shopper is still signed in.
    expect(await call(client, "GET", "/api/me", shoppers[0])).toMatchObject({ status: 200, body: { user: { id: shoppers[0]!.id } } });
    const health = await call(client, "GET", "/api/health");
    expect(health).toMatchObject({ status: 503, body: { db: "ok", redis: "down" } });

    // The checkout page shows a readable message instead of the generic error page.
    const page = await client.request("GET", "/checkout", { cookie: shoppers[0]!.cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain("The cart is temporarily unavailable");
    expect(page.body).toContain("Nothing has been ordered");

    expect(await orderCount()).toBe(ordersBefore);
    expect(await snapshotSkus()).toEqual(stockBefore);

    // Redis comes back (its append-only file keeps the carts): the same server process recovers.
    await stack.redis.start();
    await waitFor("health to recover", () => healthy(stack.server.base), 15_000);
    const cart = await call(client, "GET", "/api/cart", shoppers[0]);
    expect(cart.status).toBe(200);
    expect(cart.body).toMatchObject({ items: [{ skuId: skuIds[0], count: 2, selected: true }] });
    const placed = await Promise.all(shoppers.map((s) => checkout(client, s)));
    expect(placed.map((a) => a.status)).toEqual(shoppers.map(() => 201));
    expect(stack.server.child!.pid).toBe(serverPid);
    expect((await snapshotSkus()).get(skuIds[0]!)).toEqual({ stock: 50 - 2 * shoppers.length, sales: 2 * shoppers.length });
    expect(await invariantViolations(f.start)).toEqual([]);
  });

  it("answers 503 within seconds when Redis hangs instead of refusing (commandTimeout), then recovers", async () => {
    const { stack, client, shoppers, skuIds } = f;
    const shopper = shoppers[0]!;
    await fillCart(shopper, [{ skuId: skuIds[1]!, count: 1 }]);
    const ordersBefore = await orderCount();
    stack.redis.child!.kill("SIGSTOP");
    try {
      const started = Date.now();
      const [cart, order] = await Promise.all([call(client, "GET", "/api/cart", shopper), checkout(client, shopper)]);
      expect(cart).toMatchObject({ status: 503, code: "CART_UNAVAILABLE" });
      expect(order).toMatchObject({ status: 503, code: "CART_UNAVAILABLE" });
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      stack.redis.child!.kill("SIGCONT");
    }
    expect(await orderCount()).toBe(ordersBefore);
    await waitFor("health to recover", () => healthy(stack.server.base), 15_000);
    expect((await checkout(client, shopper)).status).toBe(201);
    expect(await invariantViolations(f.start)).toEqual([]);
  });
});
