import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { PUT as putSku } from "@/app/api/admin/skus/[skuId]/route";
import { GET as listStockRoute } from "@/app/api/admin/stock/route";
import { POST as addToCartRoute } from "@/app/api/cart/items/route";
import { PUT as setCartItemRoute } from "@/app/api/cart/items/[skuId]/route";
import { GET as productsRoute } from "@/app/api/products/route";
import { GET as stockRoute } from "@/app/api/stock/[skus]/route";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { getCart } from "@/lib/cart/service";
import { readCart, removeLine, userOwner } from "@/lib/cart/store";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { liveStock, LIVE_STOCK_MAX_AGE_MS } from "@/lib/catalog/live-stock";
import { placeOrder } from "@/lib/orders/checkout";
import { checkoutSeams } from "@/lib/orders/seams";
import { cancelOrder, expireOrder } from "@/lib/orders/lifecycle";
import { placeFromProcesses } from "./support/buyer-processes";
import { ctx, linesOf, makeSkus, makeShopper, makeShoppers, noCtx, ordersOf, fillCart, request, stockOf, type Shopper } from "./support/fixtures";

const setSku = (skuId: number, change: Partial<typeof skus.$inferInsert>) => getDb().update(skus).set(change).where(eq(skus.id, skuId));

/** Units of `skuId` in the user's orders that are not cancelled. */
async function unitsBought(userId: number, skuId: number) {
  const live = (await ordersOf([userId])).filter((o) => o.status !== "cancelled");
  return (await linesOf(live.map((o) => o.id))).filter((l) => l.skuId === skuId).reduce((n, l) => n + l.count, 0);
}

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe.each(CHECKOUT_STRATEGIES)("per-customer limit (%s)", (strategy) => {
  it("lets one customer buy exactly the limit of 8 concurrent checkouts across two server processes", { timeout: 180_000 }, async () => {
    const [skuId] = await makeSkus([50]);
    await setSku(skuId!, { perCustomerLimit: 2 });
    const shopper = await makeShopper();
    const checkouts = () => Array.from({ length: 4 }, () => ({ userId: shopper.id, addressId: shopper.addressId, key: randomUUID() }));
    // Every checkout buys a 1-unit cart of its own (a new cart revision each), so only the limit stands between them.
    const outcomes = (await placeFromProcesses([checkouts(), checkouts()], strategy, { ownCart: [{ skuId: skuId!, count: 1 }] })).flat();

    expect(outcomes.filter((o) => o === "OK")).toHaveLength(2);
    expect(outcomes.filter((o) => o !== "OK")).toEqual(Array(6).fill("PURCHASE_LIMIT_REACHED"));
    expect(await unitsBought(shopper.id, skuId!)).toBe(2);
    expect(await stockOf(skuId!)).toEqual({ stock: 48, sales: 2 });
  });
});

describe("per-customer limit", () => {
  it("sells 100 units to exactly 100 of 200 customers firing 3 checkouts each (batched, two processes)", { timeout: 180_000 }, async () => {
    const [skuId] = await makeSkus([100]);
    await setSku(skuId!, { perCustomerLimit: 1 });
    const shoppers = await makeShoppers(200);
    const group = (us: Shopper[]) => us.flatMap((u) => [1, 2, 3].map(() => ({ userId: u.id, addressId: u.addressId, key: randomUUID() })));
    const outcomes = (await placeFromProcesses([group(shoppers.slice(0, 100)), group(shoppers.slice(100))], "batched", { ownCart: [{ skuId: skuId!, count: 1 }] })).flat();

    expect(outcomes.filter((o) => o === "OK")).toHaveLength(100);
    expect(outcomes.filter((o) => o !== "OK" && o !== "PURCHASE_LIMIT_REACHED" && o !== "OUT_OF_STOCK")).toEqual([]);
    const bought = await Promise.all(shoppers.map((u) => unitsBought(u.id, skuId!)));
    expect(bought.filter((n) => n === 1)).toHaveLength(100);
    expect(Math.max(...bought)).toBe(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 0, sales: 100 });
  });

  it("refuses the whole order with the lines over the limit, and changes nothing", async () => {
    const [limited, free] = await makeSkus([10, 10]);
    await setSku(limited!, { perCustomerLimit: 2 });
    const shopper = await makeShopper();
    await fillCart(shopper, [
      { skuId: limited!, count: 3 },
      { skuId: free!, count: 1 },
    ]);
    const e = await refusal(placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: randomUUID() }));
    expect(e.code).toBe("PURCHASE_LIMIT_REACHED");
    expect(e.status).toBe(409);
    const [line] = (e.details as { lines: { name: string }[] }).lines;
    expect(e.details).toEqual({ lines: [{ skuId: limited, name: line!.name, limit: 2, alreadyBought: 0, requested: 3 }] });
    expect(e.message).toBe(`Limit 2 per customer for ${line!.name} — you asked for 3.`);
    expect(await ordersOf([shopper.id])).toEqual([]);
    expect(await stockOf(limited!)).toEqual({ stock: 10, sales: 0 });
    expect(await stockOf(free!)).toEqual({ stock: 10, sales: 0 });
    expect((await readCart(userOwner(shopper.id))).lines).toHaveLength(2);
  });

  it("gives the allowance back once on cancel (cancel twice) and once on expiry", async () => {
    const [skuId] = await makeSkus([10]);
    await setSku(skuId!, { perCustomerLimit: 1 });
    const shopper = await makeShopper();
    const buy = async (payMethod: "cod" | "online" = "cod") => {
      // One unit in the cart, whatever a refused checkout left there.
      await removeLine(userOwner(shopper.id), skuId!);
      await fillCart(shopper, [{ skuId: skuId!, count: 1 }]);
      return placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod, idempotencyKey: randomUUID() });
    };
    const first = await buy();
    const refused = await refusal(buy());
    expect(refused.code).toBe("PURCHASE_LIMIT_REACHED");
    expect(refused.message).toMatch(/you already have 1\.$/);

    await cancelOrder(shopper.id, first.order.orderId);
    await cancelOrder(shopper.id, first.order.orderId);
    const second = await buy("online");
    expect((await refusal(buy())).code).toBe("PURCHASE_LIMIT_REACHED");

    const overdue = { now: new Date(Date.now() + 3_600_000), ttlSeconds: 60 };
    expect(await expireOrder(second.order.orderId, overdue)).toBe(true);
    expect(await expireOrder(second.order.orderId, overdue)).toBe(false);
    await buy();
    expect((await refusal(buy())).code).toBe("PURCHASE_LIMIT_REACHED");
    expect(await unitsBought(shopper.id, skuId!)).toBe(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });
  });

  it("applies a changed limit to later checkouts only, never to existing orders", async () => {
    const [skuId] = await makeSkus([10]);
    const shopper = await makeShopper();
    await fillCart(shopper, [{ skuId: skuId!, count: 3 }]);
    const { order } = await placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    await setSku(skuId!, { perCustomerLimit: 2 });
    await fillCart(shopper, [{ skuId: skuId!, count: 1 }]);
    const e = await refusal(placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: randomUUID() }));
    expect((e.details as { lines: { alreadyBought: number }[] }).lines[0]!.alreadyBought).toBe(3);
    const [kept] = await ordersOf([shopper.id]);
    expect(kept).toMatchObject({ id: order.orderId, status: "awaiting_shipment", totalCount: 3 });
    await setSku(skuId!, { perCustomerLimit: null });
    await placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    expect(await unitsBought(shopper.id, skuId!)).toBe(4);
  });

  it("refuses adding past the limit to a cart, counting orders and the cart, and shows the allowance", async () => {
    const [skuId] = await makeSkus([10]);
    await setSku(skuId!, { perCustomerLimit: 2 });
    const shopper = await makeShopper();
    const add = (count: number) => addToCartRoute(request("/api/cart/items", { method: "POST", cookie: shopper.cookie, body: { skuId, count } }), noCtx);
    expect((await add(1)).status).toBe(201);
    const over = await add(2);
    expect(over.status).toBe(409);
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("PURCHASE_LIMIT_REACHED");
    expect(body.error.message).toMatch(/Limit 2 per customer for .* — you already have 1 in your cart, so you can add 1 more\.$/);
    expect((await readCart(userOwner(shopper.id))).lines).toEqual([{ skuId, count: 1, selected: true }]);

    await placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    expect((await add(1)).status).toBe(201);
    const [item] = (await getCart(userOwner(shopper.id))).items;
    expect(item).toMatchObject({ skuId, count: 1, perCustomerLimit: 2, alreadyBought: 1 });
    expect((await add(1)).status).toBe(409);

    // Setting the line's count is held to the same allowance.
    const set = (count: number) =>
      setCartItemRoute(request(`/api/cart/items/${skuId}`, { method: "PUT", cookie: shopper.cookie, body: { count } }), ctx({ skuId: String(skuId) }));
    const tooMany = await set(2);
    expect(tooMany.status).toBe(409);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(/you already have 1 in your orders, so you can add 1 more\.$/);
    expect((await set(1)).status).toBe(200);
    expect((await readCart(userOwner(shopper.id))).lines).toEqual([{ skuId, count: 1, selected: true }]);
  });
});

describe("scheduled launch", () => {
  it("refuses a checkout 1 ms before the launch and serves one at and after it, by the server's clock", async () => {
    const [skuId] = await makeSkus([10]);
    const launch = new Date(Date.now() + 3_600_000);
    await setSku(skuId!, { saleStartsAt: launch });
    // Checkouts on a server whose clock reads `ms` from the launch.
    const at = (ms: number) => ({
      placeOrder: (...args: Parameters<typeof placeOrder>) => {
        checkoutSeams.clock = () => launch.getTime() + ms;
        return placeOrder(...args).finally(() => (checkoutSeams.clock = undefined));
      },
    });
    const shoppers = await makeShoppers(3);
    for (const u of shoppers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const order = (u: Shopper) => ({ userId: u.id, addressId: u.addressId, payMethod: "cod" as const, idempotencyKey: randomUUID() });

    const early = await refusal(at(-1).placeOrder(order(shoppers[0]!), "conditional"));
    expect(early.code).toBe("SALE_NOT_STARTED");
    expect(early.status).toBe(409);
    const [line] = (early.details as { lines: { name: string }[] }).lines;
    expect(early.details).toEqual({ lines: [{ skuId, name: line!.name, startsAt: launch.toISOString() }] });
    expect(early.message).toMatch(/goes on sale at .* UTC\.$/);
    expect(await ordersOf([shoppers[0]!.id])).toEqual([]);
    expect(await stockOf(skuId!)).toEqual({ stock: 10, sales: 0 });

    await at(0).placeOrder(order(shoppers[1]!), "batched");
    await at(1).placeOrder(order(shoppers[2]!), "conditional");
    expect(await stockOf(skuId!)).toEqual({ stock: 8, sales: 2 });
  });

  it("lets a SKU before its launch be added to a cart", async () => {
    const [skuId] = await makeSkus([10]);
    await setSku(skuId!, { saleStartsAt: new Date(Date.now() + 3_600_000) });
    const shopper = await makeShopper();
    const res = await addToCartRoute(request("/api/cart/items", { method: "POST", cookie: shopper.cookie, body: { skuId, count: 1 } }), noCtx);
    expect(res.status).toBe(201);
    const e = await refusal(placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: randomUUID() }));
    expect(e.code).toBe("SALE_NOT_STARTED");
  });
});

describe("admin sale settings", () => {
  it("sets and clears the limit and launch time, answering the new values everywhere", async () => {
    const [skuId] = await makeSkus([10]);
    const admin = await makeShopper("admin");
    const put = (body: unknown) => putSku(request(`/api/admin/skus/${skuId}`, { method: "PUT", cookie: admin.cookie, body }), ctx({ skuId: String(skuId) }));
    const res = await put({ perCustomerLimit: 3, saleStartsAt: "2030-01-02T03:04:05.678+02:00" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sku: unknown }).sku).toMatchObject({ skuId, perCustomerLimit: 3, saleStartsAt: "2030-01-02T01:04:05.678Z", onSale: true });

    const products = (await (await productsRoute(request("/api/products"), noCtx)).json()) as { products: { skus: { skuId: number }[] }[] };
    const listed = products.products.flatMap((p) => p.skus).find((s) => s.skuId === skuId);
    expect(listed).toMatchObject({ perCustomerLimit: 3, saleStartsAt: "2030-01-02T01:04:05.678Z" });
    const stock = (await (await listStockRoute(request("/api/admin/stock", { cookie: admin.cookie }), noCtx)).json()) as { skus: { skuId: number }[] };
    expect(stock.skus.find((s) => s.skuId === skuId)).toMatchObject({ perCustomerLimit: 3, saleStartsAt: "2030-01-02T01:04:05.678Z" });

    const cleared = await put({ perCustomerLimit: null, saleStartsAt: null });
    expect(((await cleared.json()) as { sku: unknown }).sku).toMatchObject({ perCustomerLimit: null, saleStartsAt: null });
  });

  it.each([
    [{ perCustomerLimit: 0 }, "perCustomerLimit"],
    [{ perCustomerLimit: -1 }, "perCustomerLimit"],
    [{ perCustomerLimit: 1.5 }, "perCustomerLimit"],
    [{ perCustomerLimit: 100 }, "perCustomerLimit"],
    [{ perCustomerLimit: "2" }, "perCustomerLimit"],
    [{ saleStartsAt: "next friday" }, "saleStartsAt"],
    [{ saleStartsAt: "2030-01-02T03:04:05" }, "saleStartsAt"],
    [{ saleStartsAt: 1893553445000 }, "saleStartsAt"],
    [{ onSale: false, perCustomerLimit: 0 }, "perCustomerLimit"],
  ])("refuses %j with 400 VALIDATION at the field and changes nothing", async (body, field) => {
    const [skuId] = await makeSkus([10]);
    await setSku(skuId!, { perCustomerLimit: 5 });
    const admin = await makeShopper("admin");
    const res = await putSku(request(`/api/admin/skus/${skuId}`, { method: "PUT", cookie: admin.cookie, body }), ctx({ skuId: String(skuId) }));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; fieldErrors: Record<string, string[]> } };
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors[field]?.length).toBeGreaterThan(0);
    const [row] = await getDb().select().from(skus).where(eq(skus.id, skuId!));
    expect(row).toMatchObject({ perCustomerLimit: 5, saleStartsAt: null, onSale: true });
  });

  it("keeps shoppers and guests out (403, 401) and changes nothing", async () => {
    const [skuId] = await makeSkus([10]);
    const shopper = await makeShopper();
    for (const [cookie, status] of [
      [shopper.cookie, 403],
      [undefined, 401],
    ] as const) {
      const res = await putSku(request(`/api/admin/skus/${skuId}`, { method: "PUT", cookie, body: { perCustomerLimit: 1 } }), ctx({ skuId: String(skuId) }));
      expect(res.status).toBe(status);
    }
    const [row] = await getDb().select().from(skus).where(eq(skus.id, skuId!));
    expect(row!.perCustomerLimit).toBeNull();
  });
});

describe("live stock", () => {
  const liveOf = (list: string) => stockRoute(request(`/api/stock/${list}`), { params: Promise.resolve({ skus: list }) });

  it("answers what pages show of the SKUs asked, and refuses a bad list", async () => {
    const [a, b] = await makeSkus([7, 0]);
    await liveStock(Date.now() + 10 * LIVE_STOCK_MAX_AGE_MS); // a reading taken after the SKUs were made
    const res = await liveOf(`${a},${b},999999999`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { skus: unknown[]; serverTime: number };
    const sku = { onSale: true, price: expect.stringMatching(/^\d+\.\d{2}$/), perCustomerLimit: null, saleStartsAt: null, waitingRoom: false };
    expect(body.skus).toEqual([{ skuId: a, stock: 7, ...sku }, { skuId: b, stock: 0, ...sku }]);
    expect(Math.abs(body.serverTime - Date.now())).toBeLessThan(5_000);
    for (const bad of ["", "1,,2", "abc", "1;2", Array.from({ length: 101 }, (_, i) => i + 1).join(",")]) {
      const refused = await liveOf(bad);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("VALIDATION");
    }
  });

  it("reads the database at most once per second per process, however many callers", async () => {
    const [skuId] = await makeSkus([5]);
    const t0 = Date.now() + 10 * LIVE_STOCK_MAX_AGE_MS; // past any earlier reading
    const readings = await Promise.all(Array.from({ length: 50 }, () => liveStock(t0)));
    expect(new Set(readings).size).toBe(1);
    const first = readings[0]!;
    expect(first.skus.get(skuId!)?.stock).toBe(5);

    await setSku(skuId!, { stock: 4 });
    expect(await liveStock(first.readAt + LIVE_STOCK_MAX_AGE_MS - 1)).toBe(first);
    const fresh = await liveStock(first.readAt + LIVE_STOCK_MAX_AGE_MS);
    expect(fresh).not.toBe(first);
    expect(fresh.skus.get(skuId!)?.stock).toBe(4);
  });
});
