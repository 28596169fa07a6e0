import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as postOrder } from "@/app/api/orders/route";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { readLines, userOwner } from "@/lib/cart/store";
import { CHECKOUT_STRATEGIES, env } from "@/lib/platform/env";
import { maxCents, toCents, toDecimal } from "@/lib/money";
import { placeOrder } from "@/lib/orders/checkout";
import { fillCart, linesOf, makeShopper, makeSkus, noCtx, ordersOf, request, stockOf, type Shopper } from "./support/fixtures";

/**
 * An order's total is DECIMAL(12,2), so 99 units of two SKUs at the highest price the console
 * accepts (DECIMAL(10,2)) outgrow it. The checkout must refuse such an order with ORDER_TOO_LARGE
 * before it writes anything, and still sell the largest order that fits, to the cent.
 */
const MAX_PRICE = maxCents("price");
const MAX_TOTAL = maxCents("total");

/** Two SKUs (200 in stock each) whose cart of 99 + 1 units comes to `total` including freight. */
async function skusForTotal(total: number): Promise<[bulk: number, topUp: number]> {
  const freight = toCents(env().FREIGHT);
  const bulkPrice = MAX_PRICE;
  const topUpPrice = total - freight - 99 * bulkPrice;
  expect(topUpPrice).toBeGreaterThan(0);
  expect(topUpPrice).toBeLessThanOrEqual(MAX_PRICE);
  const [bulk, topUp] = await makeSkus([200, 200]);
  await setPrice(bulk!, bulkPrice);
  await setPrice(topUp!, topUpPrice);
  return [bulk!, topUp!];
}

const setPrice = (skuId: number, cents: number) => getDb().update(skus).set({ price: toDecimal(cents) }).where(inArray(skus.id, [skuId]));

/** Stock, orders and cart of one shopper: what a refused checkout must leave as it was. */
async function stateOf(u: Shopper, skuIds: number[]) {
  return {
    stock: await Promise.all(skuIds.map(stockOf)),
    orders: (await ordersOf([u.id])).length,
    cart: await readLines(userOwner(u.id)),
  };
}

describe.each(CHECKOUT_STRATEGIES)("an order at the edge of its total's column, with the %s strategy", (strategy) => {
  const buy = (u: Shopper) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "online", idempotencyKey: randomUUID() }, strategy);

  it("places the largest order that fits and stores its exact total", async () => {
    const [bulk, topUp] = await skusForTotal(MAX_TOTAL);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: bulk, count: 99 }, { skuId: topUp, count: 1 }]);

    const { order, created } = await buy(u);
    expect(created).toBe(true);
    expect(order.totalAmount).toBe("9999999999.99");
    const [row] = await ordersOf([u.id]);
    expect(row!.totalAmount).toBe("9999999999.99");
    expect((await linesOf([row!.id])).map((l) => l.price).sort()).toEqual([toDecimal(MAX_PRICE), toDecimal(MAX_TOTAL - toCents(env().FREIGHT) - 99 * MAX_PRICE)].sort());
    expect(await stockOf(bulk)).toEqual({ stock: 101, sales: 99 });
    expect(await readLines(userOwner(u.id))).toEqual([]);
  });

  it("refuses an order one cent larger with ORDER_TOO_LARGE and changes nothing", async () => {
    const [bulk, topUp] = await skusForTotal(MAX_TOTAL + 1);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: bulk, count: 99 }, { skuId: topUp, count: 1 }]);
    const before = await stateOf(u, [bulk, topUp]);

    await expect(buy(u)).rejects.toMatchObject({
      code: "ORDER_TOO_LARGE",
      status: 422,
      message: "This order comes to $10,000,000,000.00, more than the $9,999,999,999.99 one order can hold. Please split it into smaller orders.",
      details: { total: "10000000000.00", maxTotal: "9999999999.99" },
    });
    expect(await stateOf(u, [bulk, topUp])).toEqual(before);
    expect(before.orders).toBe(0);
  });
});

describe("POST /api/orders for a cart past the largest order", () => {
  it("answers 422 ORDER_TOO_LARGE with a readable message for 99 units each of two SKUs at the highest price", async () => {
    const [a, b] = await makeSkus([200, 200]);
    await setPrice(a!, MAX_PRICE);
    await setPrice(b!, MAX_PRICE);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: a!, count: 99 }, { skuId: b!, count: 99 }]);
    const before = await stateOf(u, [a!, b!]);

    const res = await postOrder(
      request("/api/orders", { method: "POST", body: { addressId: u.addressId, payMethod: "cod" }, cookie: u.cookie, headers: { "idempotency-key": randomUUID() } }),
      noCtx,
    );
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { code: string; message: string; total: string } };
    expect(error.code).toBe("ORDER_TOO_LARGE");
    expect(error.total).toBe("19800000008.02");
    expect(error.message).toMatch(/^This order comes to \$19,800,000,008\.02, more than the \$9,999,999,999\.99 one order can hold\./);
    expect(await stateOf(u, [a!, b!])).toEqual(before);
  });
});
