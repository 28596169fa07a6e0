import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as postOrder } from "@/app/api/orders/route";
import { addToCart } from "@/lib/cart/service";
import { takeOrderOutOfCart } from "@/lib/cart/cleanup";
import { addLine, cartKeys, guestOwner, mergeCarts, readCart, removeLine, selectAll, updateLine, userOwner } from "@/lib/cart/store";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { placeOrder, queuedForBatch } from "@/lib/orders/checkout";
import { placeFromProcesses } from "./support/buyer-processes";
import { holdEveryBatch } from "./support/held-batches";
import { makeSkus, makeShopper, makeShoppers, noCtx, ordersOf, fillCart, redis, request, stockOf, type Shopper } from "./support/fixtures";

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === "fulfilled" ? "OK" : r.reason instanceof AppError ? r.reason.code : `THROWN ${String(r.reason)}`;
const LOSER = /^(CART_ALREADY_ORDERED|EMPTY_CART)$/;

describe.each(CHECKOUT_STRATEGIES)("one cart, one order (%s)", (strategy) => {
  const buy = (u: Shopper, idempotencyKey = randomUUID()) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey }, strategy);

  it("makes one order of a 1-unit cart submitted 5 times at once with different keys", async () => {
    const [skuId] = await makeSkus([50]);
    const shoppers = await makeShoppers(10);
    for (const u of shoppers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const results = await Promise.all(shoppers.map((u) => Promise.allSettled(Array.from({ length: 5 }, () => buy(u)))));

    const orders = await ordersOf(shoppers.map((u) => u.id));
    for (const [i, u] of shoppers.entries()) {
      const codes = results[i]!.map(codeOf);
      expect(codes.filter((c) => c === "OK")).toHaveLength(1);
      expect(codes.filter((c) => !LOSER.test(c) && c !== "OK")).toEqual([]);
      const own = orders.filter((o) => o.userId === u.id);
      expect(own).toHaveLength(1);
      // A loser told "already ordered" is pointed at the order that bought the cart.
      for (const r of results[i]!) {
        if (r.status === "rejected" && (r.reason as AppError).code === "CART_ALREADY_ORDERED") {
          expect((r.reason as AppError).details).toEqual({ orderId: own[0]!.id });
        }
      }
      expect((await readCart(userOwner(u.id))).lines).toEqual([]);
    }
    expect(await stockOf(skuId!)).toEqual({ stock: 40, sales: 10 });
  });

  it("makes one order per cart across two server processes", { timeout: 180_000 }, async () => {
    const [skuId] = await makeSkus([50]);
    const shoppers = await makeShoppers(8);
    for (const u of shoppers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    // Each process submits every cart three times, each with its own key.
    const submits = () => shoppers.flatMap((u) => [1, 2, 3].map(() => ({ userId: u.id, addressId: u.addressId, key: randomUUID() })));
    const outcomes = (await placeFromProcesses([submits(), submits()], strategy)).flat();

    expect(outcomes.filter((o) => o === "OK")).toHaveLength(8);
    expect(outcomes.filter((o) => o !== "OK" && !LOSER.test(o))).toEqual([]);
    const orders = await ordersOf(shoppers.map((u) => u.id));
    expect(orders).toHaveLength(8);
    expect(new Set(orders.map((o) => o.userId)).size).toBe(8);
    expect(await stockOf(skuId!)).toEqual({ stock: 42, sales: 8 });
  });

  it("serves a second submit for what the cart holds once it changed", async () => {
    const [a, b] = await makeSkus([10, 10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: a!, count: 1 }]);
    const first = await buy(u);
    // The shopper adds a unit after the first order: a new revision, bought by a new submit.
    await fillCart(u, [{ skuId: b!, count: 1 }]);
    const second = await buy(u);
    expect(second.created).toBe(true);
    expect(second.order.orderId).not.toBe(first.order.orderId);
    expect(second.order.lines.map((l) => [l.skuId, l.count])).toEqual([[b, 1]]);
    expect(await stockOf(a!)).toEqual({ stock: 9, sales: 1 });
    expect(await stockOf(b!)).toEqual({ stock: 9, sales: 1 });
  });

  it("never buys a cart twice when Redis rolls it back to a revision already bought (a failover that lost the cleanup)", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 2 }]);
    // The cart as Redis holds it when the order is placed, revision included (a first read stores one).
    const { revision } = await readCart(userOwner(u.id));
    const keys = cartKeys(userOwner(u.id));
    const r = redis();
    const before = { items: await r.hgetall(keys.items), selected: await r.smembers(keys.selected), revision };
    expect(await r.get(keys.revision)).toBe(revision);
    const first = await buy(u);
    expect(first.created).toBe(true);
    // The replica that takes over never received the cleanup: the cart is back as it was bought.
    await r.hset(keys.items, before.items);
    await r.sadd(keys.selected, ...before.selected);
    await r.set(keys.revision, before.revision);
    await expect(buy(u)).rejects.toMatchObject({ code: "CART_ALREADY_ORDERED", details: { orderId: first.order.orderId } });
    expect(await ordersOf([u.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 8, sales: 2 });
  });

  it("answers CART_CHANGED, and buys nothing, when the page's cart revision is neither the cart's nor an order's", async () => {
    const [a, b] = await makeSkus([10, 10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: a!, count: 1 }]);
    const { revision: shown } = await readCart(userOwner(u.id));
    // Another tab changes the cart (or Redis loses the page's last change in a failover).
    await fillCart(u, [{ skuId: b!, count: 1 }]);
    await expect(placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: randomUUID(), cartRevision: shown }, strategy)).rejects.toMatchObject({
      code: "CART_CHANGED",
    });
    expect(await ordersOf([u.id])).toHaveLength(0);
    expect(await stockOf(a!)).toEqual({ stock: 10, sales: 0 });
    // The page drawn again shows the cart as it is, and that revision buys it.
    const { revision: now } = await readCart(userOwner(u.id));
    const placed = await placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: randomUUID(), cartRevision: now }, strategy);
    expect(placed.order.lines.map((l) => [l.skuId, l.count])).toEqual([[b, 1]]);
  });

  it("answers CART_ALREADY_ORDERED to a page whose cart revision was bought, even once the cart has emptied; the same key still replays", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const { revision } = await readCart(userOwner(u.id));
    const key = randomUUID();
    const first = await placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: key, cartRevision: revision }, strategy);
    // A second tab showing the same cart submits it with its own key.
    await expect(placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: randomUUID(), cartRevision: revision }, strategy)).rejects.toMatchObject({
      code: "CART_ALREADY_ORDERED",
      details: { orderId: first.order.orderId },
    });
    // Without the page's revision, an empty cart is just empty.
    await expect(buy(u)).rejects.toMatchObject({ code: "EMPTY_CART" });
    await expect(placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: key, cartRevision: revision }, strategy)).resolves.toMatchObject({
      created: false,
      order: { orderId: first.order.orderId },
    });
    expect(await ordersOf([u.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });
  });
});

describe("one cart, one order", () => {
  it("batched: two orders of one user with different keys in one batch make one order", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    // Hold every batch slot so that both of u's checkouts queue and share the next batch.
    const finishHeld = await holdEveryBatch();
    const buy = (who: Shopper) => placeOrder({ userId: who.id, addressId: who.addressId, payMethod: "cod", idempotencyKey: randomUUID() }, "batched");
    const twins = Promise.allSettled([buy(u), buy(u)]);
    await expect.poll(() => queuedForBatch(), { timeout: 10_000 }).toBe(2);
    await finishHeld();
    const codes = (await twins).map(codeOf);
    expect(codes.sort()).toEqual(["CART_ALREADY_ORDERED", "OK"]);
    expect(await ordersOf([u.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });
  });

  it("moves the cart revision with every change: add, set, select, remove, merge and cleanup", async () => {
    const [a, b] = await makeSkus([10, 10]);
    const u = await makeShopper();
    const owner = userOwner(u.id);
    const revisions: string[] = [];
    const changed = async () => {
      const { revision } = await readCart(owner);
      expect(revisions).not.toContain(revision);
      revisions.push(revision);
    };
    await addLine(owner, a!, 2);
    await changed();
    // Reading does not move it.
    expect((await readCart(owner)).revision).toBe(revisions[0]);
    await updateLine(owner, a!, { count: 3 });
    await changed();
    await selectAll(owner, false);
    await changed();
    await addLine(owner, b!, 1);
    await changed();
    await removeLine(owner, b!);
    await changed();
    const guest = guestOwner(randomUUID().replaceAll("-", "").slice(0, 22));
    await addLine(guest, b!, 1);
    await mergeCarts(guest, owner);
    await changed();
    await takeOrderOutOfCart(userOwner(u.id), "01ARZ3NDEKTSV4RRFFQ69G5FAV", [{ skuId: a!, count: 1 }]);
    await changed();
    expect((await readCart(owner)).lines).toEqual([
      { skuId: a, count: 2, selected: false },
      { skuId: b, count: 1, selected: true },
    ]);
  });

  it("answers the API's losers with 409 CART_ALREADY_ORDERED and the order id, or 400 EMPTY_CART", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await addToCart(userOwner(u.id), { skuId: skuId!, count: 1 });
    const post = (key: string) =>
      postOrder(request("/api/orders", { method: "POST", cookie: u.cookie, headers: { "idempotency-key": key }, body: { addressId: u.addressId, payMethod: "cod" } }), noCtx);
    const keys = Array.from({ length: 5 }, () => randomUUID());
    const responses = await Promise.all(keys.map(post));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { order?: { orderId: string }; error?: { code: string; orderId?: string } }[];
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    const winner = bodies[statuses.indexOf(201)]!.order!.orderId;
    for (const [i, body] of bodies.entries()) {
      if (statuses[i] === 201) continue;
      if (statuses[i] === 409) expect(body.error).toMatchObject({ code: "CART_ALREADY_ORDERED", orderId: winner });
      else expect([statuses[i], body.error?.code]).toEqual([400, "EMPTY_CART"]);
    }
    // The winner's key still replays its order.
    const again = await post(keys[statuses.indexOf(201)]!);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { order: { orderId: string } }).order.orderId).toBe(winner);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });
  });
});
