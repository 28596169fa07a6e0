import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as postOrder } from "@/app/api/orders/route";
import { getDb } from "@/db";
import { orders } from "@/db/schema";
import { addToCart } from "@/lib/cart/service";
import { CART_SCRIPTS, readLines, userOwner } from "@/lib/cart/store";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { toCents, toDecimal } from "@/lib/money";
import { placeOrder } from "@/lib/orders/checkout";
import { whenIdle } from "@/lib/platform/shutdown";
import { linesOf, makeSkus, makeShopper, makeShoppers, noCtx, ordersOf, fillCart, redis, request, stockOf, type Shopper } from "./support/fixtures";

const key = () => randomUUID();
const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === "fulfilled" ? "OK" : r.reason instanceof AppError ? r.reason.code : `THROWN ${String(r.reason)}`;

describe.each(CHECKOUT_STRATEGIES)("checkout with the %s strategy", (strategy) => {
  const buy = (u: Shopper, idempotencyKey: string = key(), payMethod: "cod" | "online" = "online") =>
    placeOrder({ userId: u.id, addressId: u.addressId, payMethod, idempotencyKey }, strategy);

  it("takes a replayed order's lines out of the cart when the first request never did, and only once", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 2 }]);
    const k = key();
    const first = await buy(u, k);
    await whenIdle(5_000); // the first checkout's flag is cleared after it answers
    // As if the first request's cleanup never ran (its reply was lost with the connection): the
    // order is still flagged, the bought lines are back in the cart, and no marker says they were taken off.
    await getDb().update(orders).set({ cartCleanupPending: true }).where(eq(orders.id, first.order.orderId));
    await redis().del(`cart:{u:${u.id}}:bought:${first.order.orderId}`);
    await fillCart(u, [{ skuId: skuId!, count: 2 }]);
    await expect(buy(u, k)).resolves.toMatchObject({ created: false, order: { orderId: first.order.orderId } });
    expect(await readLines(userOwner(u.id))).toEqual([]);
    // Once: a further retry leaves alone what the shopper puts in the cart afterwards.
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    await expect(buy(u, k)).resolves.toMatchObject({ created: false });
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId, count: 1, selected: true }]);
    expect(await stockOf(skuId!)).toEqual({ stock: 8, sales: 2 });
  });

  it("sells 25 units to 60 racing buyers exactly once each, and tells 35 they lost", async () => {
    const [skuId] = await makeSkus([25]);
    const buyers = await makeShoppers(60);
    for (const u of buyers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);

    const results = await Promise.allSettled(buyers.map((u) => buy(u)));
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === "OK")).toHaveLength(25);
    expect(codes.filter((c) => c === "OUT_OF_STOCK")).toHaveLength(35);

    expect(await stockOf(skuId!)).toEqual({ stock: 0, sales: 25 });
    const made = await ordersOf(buyers.map((u) => u.id));
    expect(made).toHaveLength(25);
    const lines = await linesOf(made.map((o) => o.id));
    expect(lines).toHaveLength(25);
    for (const o of made) {
      const own = lines.filter((l) => l.orderId === o.id);
      expect(own).toHaveLength(1);
      expect(o.totalCount).toBe(1);
      expect(o.totalAmount).toBe(toDecimal(toCents(own[0]!.price) + toCents(o.freight)));
      expect(o.strategy).toBe(strategy);
    }
    // Losers keep their cart; winners' bought lines are gone.
    const winners = new Set(made.map((o) => o.userId));
    for (const u of buyers) {
      const cart = await readLines(userOwner(u.id));
      expect(cart.length).toBe(winners.has(u.id) ? 0 : 1);
    }
  });

  it("never lets a deadlock reach a caller when 40 two-SKU orders lock in both orders", async () => {
    const [a, b] = await makeSkus([1000, 1000]);
    const buyers = await makeShoppers(40);
    for (const [i, u] of buyers.entries()) await fillCart(u, i % 2 ? [{ skuId: b!, count: 2 }, { skuId: a!, count: 1 }] : [{ skuId: a!, count: 1 }, { skuId: b!, count: 2 }]);
    const results = await Promise.allSettled(buyers.map((u) => buy(u)));
    expect(results.map(codeOf)).toEqual(Array(40).fill("OK"));
    expect(await stockOf(a!)).toEqual({ stock: 960, sales: 40 });
    expect(await stockOf(b!)).toEqual({ stock: 920, sales: 80 });
  });

  it("makes one order for 10 concurrent submits with one idempotency key", async () => {
    const [skuId] = await makeSkus([50]);
    const [u] = await makeShoppers(1);
    await fillCart(u!, [{ skuId: skuId!, count: 2 }]);
    const k = key();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => buy(u!, k)));
    expect(results.map(codeOf)).toEqual(Array(10).fill("OK"));
    const ids = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof buy>>>).value.order.orderId);
    expect(new Set(ids).size).toBe(1);
    expect(results.filter((r) => r.status === "fulfilled" && r.value.created)).toHaveLength(1);
    expect(await ordersOf([u!.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 48, sales: 2 });
  });

  it("treats keys that differ only in case as one key, at once and as a later replay", async () => {
    const [skuId] = await makeSkus([50]);
    const [u] = await makeShoppers(1);
    await fillCart(u!, [{ skuId: skuId!, count: 1 }]);
    const results = await Promise.allSettled(["Mixed-Case-Key-1", "MIXED-CASE-KEY-1", "mixed-case-key-1"].map((k) => buy(u!, k)));
    expect(results.map(codeOf)).toEqual(["OK", "OK", "OK"]);
    const ids = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof buy>>>).value.order.orderId);
    expect(new Set(ids).size).toBe(1);
    await expect(buy(u!, "mIxEd-CaSe-KeY-1")).resolves.toMatchObject({ created: false, order: { orderId: ids[0] } });
    expect(await ordersOf([u!.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 49, sales: 1 });
  });

  it("refuses the same key for a different request", async () => {
    const [skuId] = await makeSkus([5]);
    const [u] = await makeShoppers(1);
    await fillCart(u!, [{ skuId: skuId!, count: 1 }]);
    const k = key();
    await buy(u!, k, "online");
    await expect(buy(u!, k, "cod")).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    expect(await ordersOf([u!.id])).toHaveLength(1);
  });

  it("changes nothing when the second of two lines is short", async () => {
    const [a, b] = await makeSkus([10, 3]);
    const [u] = await makeShoppers(1);
    await fillCart(u!, [{ skuId: a!, count: 2 }, { skuId: b!, count: 4 }]);
    const before = await readLines(userOwner(u!.id));
    const err = await buy(u!).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "OUT_OF_STOCK", details: { lines: [{ skuId: b, requested: 4, available: 3 }] } });
    expect(await stockOf(a!)).toEqual({ stock: 10, sales: 0 });
    expect(await stockOf(b!)).toEqual({ stock: 3, sales: 0 });
    expect(await ordersOf([u!.id])).toHaveLength(0);
    expect(await readLines(userOwner(u!.id))).toEqual(before);
  });

  it("sets the status by pay method and snapshots prices and the address", async () => {
    const [a, b] = await makeSkus([10, 10]);
    const [u] = await makeShoppers(1);
    await fillCart(u!, [{ skuId: a!, count: 1 }, { skuId: b!, count: 3 }]);
    const { order } = await buy(u!, key(), "cod");
    expect(order.status).toBe("awaiting_shipment");
    expect(order.totalCount).toBe(4);
    // makeSkus prices: 10.50 and 11.50; freight 10.00
    expect(order.totalAmount).toBe("55.00");
    expect(order.freight).toBe("10.00");
    expect(order.address).toMatchObject({ name: "Test Buyer", line1: "1 Test Street", city: "Portland", postcode: "97201", country: "US" });
    expect(order.lines.map((l) => [l.skuId, l.count, l.price])).toEqual([[a, 1, "10.50"], [b, 3, "11.50"]]);
  });
});

describe("checkout details", () => {
  it("takes only the bought lines out of the cart and keeps unselected ones", async () => {
    const [a, b, c] = await makeSkus([10, 10, 10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: a!, count: 1 }, { skuId: b!, count: 2 }, { skuId: c!, count: 1 }]);
    const { getRedis } = await import("@/lib/platform/redis");
    await getRedis().srem(`cart:{u:${u.id}}:selected`, String(c));
    await placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: key() });
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId: c, count: 1, selected: false }]);
  });

  it("answers EMPTY_CART when nothing is selected", async () => {
    const u = await makeShopper();
    await expect(placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: key() })).rejects.toMatchObject({ code: "EMPTY_CART" });
  });

  it("finishes under REPEATABLE READ as the server default: the optimistic loop sets READ COMMITTED itself", async () => {
    const [global] = (await getDb().execute(sql`SELECT @@global.tx_isolation AS level`)) as unknown as [{ level: string }[]];
    expect(global[0]!.level).toBe("REPEATABLE-READ");
    const [skuId] = await makeSkus([10]);
    const buyers = await makeShoppers(20);
    for (const u of buyers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const results = await Promise.allSettled(
      buyers.map((u) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "online", idempotencyKey: key() }, "optimistic")),
    );
    expect(results.map(codeOf).filter((c) => c === "OK")).toHaveLength(10);
    expect(results.map(codeOf).filter((c) => c === "OUT_OF_STOCK")).toHaveLength(10);
    expect(await stockOf(skuId!)).toEqual({ stock: 0, sales: 10 });
  });

  /** Places an order while exactly the cart cleanup script fails, as if Redis dropped right after the commit. */
  async function placeWhileCleanupFails(u: Shopper) {
    const client = redis();
    const original = client.evalsha;
    const cleanup = CART_SCRIPTS.cartTakeBought.sha;
    client.evalsha = ((...args: Parameters<typeof original>) =>
      args[0] === cleanup ? Promise.reject(new Error("connection lost")) : original.apply(client, args)) as typeof client.evalsha;
    try {
      return await placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: key() });
    } finally {
      client.evalsha = original;
    }
  }

  it("keeps the committed order when Redis fails during cleanup, and the stale lines cannot be bought again", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 2 }]);
    const {
      order: { orderId },
    } = await placeWhileCleanupFails(u);
    const [row] = (await ordersOf([u.id])).filter((o) => o.id === orderId);
    expect(row!.cartCleanupPending).toBe(true);
    expect(await stockOf(skuId!)).toEqual({ stock: 8, sales: 2 });
    // The stale line is still in Redis, but its cart revision was bought: the next checkout is
    // told so (with the order), and clears the line.
    expect(await readLines(userOwner(u.id))).toHaveLength(1);
    await expect(placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: key() })).rejects.toMatchObject({
      code: "CART_ALREADY_ORDERED",
      details: { orderId },
    });
    expect(await readLines(userOwner(u.id))).toHaveLength(0);
    expect(await stockOf(skuId!)).toEqual({ stock: 8, sales: 2 });
  });

  it("applies a pending cart cleanup before a cart change, so the change is not undone by it", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 2 }]);
    await placeWhileCleanupFails(u);
    // The shopper adds one more before anything read the cart: the bought two come off first, so
    // the new line stays, selected, instead of being cut down and deselected afterwards.
    await addToCart(userOwner(u.id), { skuId: skuId!, count: 1 });
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId, count: 1, selected: true }]);
  });
});

describe("POST /api/orders input", () => {
  const post = (u: { cookie: string } | null, body: unknown, idempotencyKey: string | null = key()) =>
    postOrder(
      request("/api/orders", {
        method: "POST",
        body,
        cookie: u?.cookie,
        headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
      }),
      noCtx,
    );
  const count = async () => (await getDb().select({ n: sql<number>`count(*)` }).from(orders))[0]!.n;

  it("answers 201 then 200 with the same order for a repeated key", async () => {
    const [skuId] = await makeSkus([5]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const k = key();
    const first = await post(u, { addressId: u.addressId, payMethod: "online" }, k);
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(body.order).toMatchObject({ status: "unpaid", payMethod: "online", totalCount: 1, totalAmount: "20.50", freight: "10.00" });
    const again = await post(u, { addressId: u.addressId, payMethod: "online" }, k);
    expect(again.status).toBe(200);
    expect((await again.json()).order.orderId).toBe(body.order.orderId);
  });

  type Case = { who: "anon" | "user"; body: (u: Shopper, other: Shopper) => unknown; key?: string | null; status: number; code: string };
  const cases: Record<string, Case> = {
    "no session": { who: "anon", body: (u) => ({ addressId: u.addressId, payMethod: "cod" }), status: 401, code: "UNAUTHENTICATED" },
    "pay method bitcoin": { who: "user", body: (u) => ({ addressId: u.addressId, payMethod: "bitcoin" }), status: 400, code: "VALIDATION" },
    "an address id as a string": { who: "user", body: (u) => ({ addressId: String(u.addressId), payMethod: "cod" }), status: 400, code: "VALIDATION" },
    "another user's address": { who: "user", body: (_u, other) => ({ addressId: other.addressId, payMethod: "cod" }), status: 404, code: "ADDRESS_NOT_FOUND" },
    "malformed JSON": { who: "user", body: () => "{oops", status: 400, code: "MALFORMED_JSON" },
    "no idempotency key": { who: "user", body: (u) => ({ addressId: u.addressId, payMethod: "cod" }), key: null, status: 400, code: "IDEMPOTENCY_KEY_REQUIRED" },
    "a bad idempotency key": { who: "user", body: (u) => ({ addressId: u.addressId, payMethod: "cod" }), key: "bad key!", status: 400, code: "VALIDATION" },
  };

  it.each(Object.entries(cases))("refuses %s and changes nothing", async (_name, c) => {
    const [skuId] = await makeSkus([5]);
    const u = await makeShopper();
    const other = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const before = await count();
    const res = await post(c.who === "user" ? u : null, c.body(u, other), c.key === undefined ? key() : c.key);
    expect(res.status).toBe(c.status);
    expect((await res.json()).error.code).toBe(c.code);
    expect(await count()).toBe(before);
    expect(await stockOf(skuId!)).toEqual({ stock: 5, sales: 0 });
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId, count: 1, selected: true }]);
  });
});
