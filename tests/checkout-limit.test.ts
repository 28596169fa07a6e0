import { vi } from "vitest";

// Before any import reads the configuration: this file runs with a small limit (the others with 0 = off).
vi.hoisted(() => {
  process.env.CHECKOUT_RATE_LIMIT = "3";
});

import { describe, expect, it } from "vitest";
import { POST as postOrder } from "@/app/api/orders/route";
import { takeCheckoutSlot } from "@/lib/orders/checkout-limit";
import { makeSkus, makeShopper, noCtx, ordersOf, fillCart, redis, request, stockOf, uid, type Shopper } from "./support/fixtures";

const checkout = (user: Shopper, key: string) =>
  postOrder(request("/api/orders", { method: "POST", cookie: user.cookie, headers: { "idempotency-key": key }, body: { addressId: user.addressId, payMethod: "cod" } }), noCtx);

describe("checkout rate limit per user (CHECKOUT_RATE_LIMIT)", () => {
  it("answers 429 TOO_MANY_ATTEMPTS with Retry-After past the limit, takes no stock, and still replays existing keys", async () => {
    const [skuId] = await makeSkus([100]);
    const user = await makeShopper();
    const keys = [uid("lim-"), uid("lim-"), uid("lim-")];
    for (const key of keys) {
      await fillCart(user, [{ skuId: skuId!, count: 1 }]);
      expect((await checkout(user, key)).status).toBe(201);
    }
    await fillCart(user, [{ skuId: skuId!, count: 1 }]);
    const stock = await stockOf(skuId!);
    const refused = await checkout(user, uid("lim-"));
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe("TOO_MANY_ATTEMPTS");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await stockOf(skuId!)).toEqual(stock);
    expect(await ordersOf([user.id])).toHaveLength(3);

    // A client retrying a key it already used gets its order back, limit or not.
    const replay = await checkout(user, keys[0]!);
    expect(replay.status).toBe(200);

    // Another shopper has their own counter.
    const other = await makeShopper();
    await fillCart(other, [{ skuId: skuId!, count: 1 }]);
    expect((await checkout(other, uid("lim-"))).status).toBe(201);
    expect(await redis().ttl(`throttle:{checkout:u:${user.id}}`)).toBeGreaterThan(0);
  });

  it("takes no slot for a replayed key", async () => {
    const [skuId] = await makeSkus([100]);
    const user = await makeShopper();
    const key = uid("lim-");
    await fillCart(user, [{ skuId: skuId!, count: 1 }]);
    expect((await checkout(user, key)).status).toBe(201);
    // A client retrying one key many times (a flaky network) ...
    for (let i = 0; i < 5; i++) expect((await checkout(user, key)).status).toBe(200);
    // ... still has its other two checkouts this minute.
    for (let i = 0; i < 2; i++) {
      await fillCart(user, [{ skuId: skuId!, count: 1 }]);
      expect((await checkout(user, uid("lim-"))).status).toBe(201);
    }
    await fillCart(user, [{ skuId: skuId!, count: 1 }]);
    expect((await checkout(user, uid("lim-"))).status).toBe(429);
    expect(await ordersOf([user.id])).toHaveLength(3);
  });

  it("is off at 0", async () => {
    for (let i = 0; i < 50; i++) await takeCheckoutSlot(424242, 0);
    expect(await redis().exists("throttle:{checkout:u:424242}")).toBe(0);
  });
});
