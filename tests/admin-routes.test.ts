import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listOrdersRoute } from "@/app/api/admin/orders/route";
import { PUT as putSku } from "@/app/api/admin/skus/[skuId]/route";
import { GET as listStockRoute } from "@/app/api/admin/stock/route";
import { GET as listAdjustmentsRoute, POST as adjustRoute } from "@/app/api/admin/stock/[skuId]/adjustments/route";
import { GET as cartRoute } from "@/app/api/cart/route";
import { POST as addToCartRoute } from "@/app/api/cart/items/route";
import { getDb } from "@/db";
import { skus, stockAdjustments } from "@/db/schema";
import { toCents, toDecimal } from "@/lib/money";
import { placeOrder } from "@/lib/orders/checkout";
import { ctx, linesOf, makeSkus, makeShopper, noCtx, ordersOf, fillCart, request, stockOf, type Shopper } from "./support/fixtures";

let skuId: number;
let admin: Shopper;
let shopper: Shopper;

beforeAll(async () => {
  [skuId] = (await makeSkus([7])) as [number];
  admin = await makeShopper("admin");
  shopper = await makeShopper("shopper");
});

const ledgerOf = (id: number) => getDb().select().from(stockAdjustments).where(eq(stockAdjustments.skuId, id));

/** Every admin route, called as someone (or no one). */
const ROUTES: { name: string; ok: number; call: (cookie?: string) => Promise<Response> }[] = [
  { name: "GET /api/admin/stock", ok: 200, call: (cookie) => listStockRoute(request("/api/admin/stock", { cookie }), noCtx) },
  {
    name: "GET /api/admin/stock/:skuId/adjustments",
    ok: 200,
    call: (cookie) => listAdjustmentsRoute(request(`/api/admin/stock/${skuId}/adjustments`, { cookie }), ctx({ skuId: String(skuId) })),
  },
  {
    name: "POST /api/admin/stock/:skuId/adjustments",
    ok: 201,
    call: (cookie) =>
      adjustRoute(request(`/api/admin/stock/${skuId}/adjustments`, { method: "POST", cookie, body: { delta: 1, reason: "route check" } }), ctx({ skuId: String(skuId) })),
  },
  {
    name: "PUT /api/admin/skus/:skuId",
    ok: 200,
    call: (cookie) => putSku(request(`/api/admin/skus/${skuId}`, { method: "PUT", cookie, body: { onSale: true } }), ctx({ skuId: String(skuId) })),
  },
  { name: "GET /api/admin/orders?status=", ok: 200, call: (cookie) => listOrdersRoute(request("/api/admin/orders?status=awaiting_shipment", { cookie }), noCtx) },
];

describe("admin routes are for admins only", () => {
  it.each(ROUTES)("$name: anonymous 401 UNAUTHENTICATED, shopper 403 FORBIDDEN, admin 2xx", async ({ call, ok }) => {
    const anonymous = await call();
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("UNAUTHENTICATED");

    const asShopper = await call(shopper.cookie);
    expect(asShopper.status).toBe(403);
    expect((await asShopper.json()).error.code).toBe("FORBIDDEN");

    const asAdmin = await call(admin.cookie);
    expect(asAdmin.status).toBe(ok);
  });

  it("changes nothing when anonymous or shopper try to adjust or switch a SKU", async () => {
    const [id] = (await makeSkus([5])) as [number];
    for (const cookie of [undefined, shopper.cookie]) {
      await adjustRoute(request(`/api/admin/stock/${id}/adjustments`, { method: "POST", cookie, body: { delta: 50, reason: "sneaky" } }), ctx({ skuId: String(id) }));
      await putSku(request(`/api/admin/skus/${id}`, { method: "PUT", cookie, body: { onSale: false } }), ctx({ skuId: String(id) }));
    }
    expect((await stockOf(id)).stock).toBe(5);
    expect(await ledgerOf(id)).toHaveLength(0);
    const [row] = await getDb().select({ onSale: skus.onSale }).from(skus).where(eq(skus.id, id));
    expect(row!.onSale).toBe(true);
  });
});

describe("admin input is validated", () => {
  it.each([
    { delta: 0, reason: "zero" },
    { delta: 1.5, reason: "fraction" },
    { delta: 100_001, reason: "too many" },
    { delta: -100_001, reason: "too few" },
    { delta: "3", reason: "a string" },
    { delta: 3, reason: "" },
    { delta: 3, reason: "   " },
    { delta: 3, reason: "x".repeat(256) },
    { delta: 3 },
    {},
  ])("refuses %j with 400 VALIDATION and changes nothing", async (body) => {
    const [id] = (await makeSkus([5])) as [number];
    const res = await adjustRoute(request(`/api/admin/stock/${id}/adjustments`, { method: "POST", cookie: admin.cookie, body }), ctx({ skuId: String(id) }));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toEqual(expect.any(String));
    expect((await stockOf(id)).stock).toBe(5);
    expect(await ledgerOf(id)).toHaveLength(0);
  });

  it("answers 400 for malformed JSON, a non-boolean onSale or an unknown status, 404 for a bad SKU id", async () => {
    const id = String(skuId);
    const malformed = await adjustRoute(request(`/api/admin/stock/${id}/adjustments`, { method: "POST", cookie: admin.cookie, body: "{nope" }), ctx({ skuId: id }));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("MALFORMED_JSON");

    const notBoolean = await putSku(request(`/api/admin/skus/${id}`, { method: "PUT", cookie: admin.cookie, body: { onSale: "yes" } }), ctx({ skuId: id }));
    expect(notBoolean.status).toBe(400);
    expect((await notBoolean.json()).error.code).toBe("VALIDATION");

    const badStatus = await listOrdersRoute(request("/api/admin/orders?status=lost", { cookie: admin.cookie }), noCtx);
    expect(badStatus.status).toBe(400);
    expect((await badStatus.json()).error.code).toBe("VALIDATION");

    for (const bad of ["abc", "0", "999999999"]) {
      const res = await putSku(request(`/api/admin/skus/${bad}`, { method: "PUT", cookie: admin.cookie, body: { onSale: true } }), ctx({ skuId: bad }));
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("SKU_NOT_FOUND");
      const history = await listAdjustmentsRoute(request(`/api/admin/stock/${bad}/adjustments`, { cookie: admin.cookie }), ctx({ skuId: bad }));
      expect(history.status).toBe(404);
    }
  });
});

describe("what admins see and switch", () => {
  it("lists every SKU with product, price, stock, sales, on-sale flag, limit, launch time, picture and stock per location", async () => {
    const res = await listStockRoute(request("/api/admin/stock", { cookie: admin.cookie }), noCtx);
    const { skus: rows } = await res.json();
    const row = rows.find((r: { skuId: number }) => r.skuId === skuId);
    expect(row).toEqual({
      skuId,
      spuId: expect.any(Number),
      product: expect.stringMatching(/^Product /),
      name: "Variant 1",
      price: "10.50",
      compareAtPrice: null,
      code: null,
      stock: expect.any(Number),
      sales: 0,
      onSale: true,
      perCustomerLimit: null,
      saleStartsAt: null,
      waitingRoom: null,
      category: "Test",
      hue: expect.any(Number),
      locations: [{ locationId: expect.any(Number), name: "Main warehouse", stock: row.stock, active: true }],
    });
  });

  it("takes a SKU off sale: it can no longer be added to a cart or checked out; back on sale it can", async () => {
    const [id] = (await makeSkus([5])) as [number];
    const buyer = await makeShopper();
    await fillCart(buyer, [{ skuId: id, count: 1 }]);
    const off = await putSku(request(`/api/admin/skus/${id}`, { method: "PUT", cookie: admin.cookie, body: { onSale: false } }), ctx({ skuId: String(id) }));
    expect(off.status).toBe(200);
    expect((await off.json()).sku).toMatchObject({ skuId: id, onSale: false });

    const add = await addToCartRoute(request("/api/cart/items", { method: "POST", cookie: buyer.cookie, body: { skuId: id, count: 1 } }), noCtx);
    expect(add.status).toBe(404);
    await expect(placeOrder({ userId: buyer.id, addressId: buyer.addressId, payMethod: "cod", idempotencyKey: randomUUID() })).rejects.toMatchObject({
      code: "OUT_OF_STOCK",
    });
    expect((await stockOf(id)).stock).toBe(5);

    await putSku(request(`/api/admin/skus/${id}`, { method: "PUT", cookie: admin.cookie, body: { onSale: true } }), ctx({ skuId: String(id) }));
    // The refusal took the line out of the buyer's selection (nothing was left to buy); back on sale, they tick it again.
    await fillCart(buyer, [{ skuId: id, count: 1 }]);
    const { order } = await placeOrder({ userId: buyer.id, addressId: buyer.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    expect(order.totalCount).toBe(1);
  });

  it("lists the newest orders of all users with their lines, filtered by status", async () => {
    const [id] = (await makeSkus([10])) as [number];
    const [a, b] = [await makeShopper(), await makeShopper()];
    await fillCart(a, [{ skuId: id, count: 2 }]);
    const cod = await placeOrder({ userId: a.id, addressId: a.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    await fillCart(b, [{ skuId: id, count: 1 }]);
    const online = await placeOrder({ userId: b.id, addressId: b.addressId, payMethod: "online", idempotencyKey: randomUUID() });

    const all = await (await listOrdersRoute(request("/api/admin/orders", { cookie: admin.cookie }), noCtx)).json();
    const ids = all.orders.map((o: { orderId: string }) => o.orderId);
    expect(ids.indexOf(online.order.orderId)).toBeLessThan(ids.indexOf(cod.order.orderId));
    expect(all.orders.find((o: { orderId: string }) => o.orderId === cod.order.orderId)).toMatchObject({
      userId: a.id,
      username: a.username,
      status: "awaiting_shipment",
      totalCount: 2,
      lines: [{ skuId: id, count: 2, price: "10.50" }],
    });

    const unpaid = await (await listOrdersRoute(request("/api/admin/orders?status=unpaid", { cookie: admin.cookie }), noCtx)).json();
    expect(unpaid.orders.every((o: { status: string }) => o.status === "unpaid")).toBe(true);
    expect(unpaid.orders.map((o: { orderId: string }) => o.orderId)).toContain(online.order.orderId);
    expect(unpaid.orders.map((o: { orderId: string }) => o.orderId)).not.toContain(cod.order.orderId);
  });
});

describe("price and name", () => {
  const put = (id: number, body: unknown) => putSku(request(`/api/admin/skus/${id}`, { method: "PUT", cookie: admin.cookie, body }), ctx({ skuId: String(id) }));
  const skuRow = async (id: number) => (await getDb().select({ name: skus.name, price: skus.price }).from(skus).where(eq(skus.id, id)))[0]!;
  const buy = (u: Shopper) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: randomUUID() });

  it("stores a new price as a canonical DECIMAL and a trimmed name, and answers the row with both", async () => {
    const [id] = (await makeSkus([5])) as [number];
    const res = await put(id, { price: "5", name: "  Midnight Blue  " });
    expect(res.status).toBe(200);
    const { sku } = await res.json();
    expect(sku).toMatchObject({ skuId: id, price: "5.00", name: "Midnight Blue", stock: 5, onSale: true });
    expect(await skuRow(id)).toEqual({ price: "5.00", name: "Midnight Blue" });

    const listed = await (await listStockRoute(request("/api/admin/stock", { cookie: admin.cookie }), noCtx)).json();
    expect(listed.skus.find((r: { skuId: number }) => r.skuId === id)).toMatchObject({ price: "5.00", name: "Midnight Blue" });

    // Either alone, and the largest price DECIMAL(10,2) holds.
    expect((await (await put(id, { price: "99999999.99" })).json()).sku).toMatchObject({ price: "99999999.99", name: "Midnight Blue" });
    expect((await (await put(id, { name: "Dawn" })).json()).sku).toMatchObject({ price: "99999999.99", name: "Dawn" });
  });

  it.each([
    [{ price: 19.99 }, 'Price must be a string such as "19.99": a JSON number can lose cents.'],
    [{ price: "-1.00" }, "Price cannot be negative."],
    [{ price: "19.999" }, "Price can have at most 2 decimals (whole cents), e.g. 19.99."],
    [{ price: "  " }, "Enter a price, e.g. 19.99."],
    [{ price: "100000000.00" }, "Price can be at most 99999999.99."],
    [{ price: "12,50" }, "Price must be an amount such as 19.99 or 5."],
    [{ name: "" }, "Enter a name for the variant, e.g. EU 44 or 128 GB."],
    [{ name: "   " }, "Enter a name for the variant, e.g. EU 44 or 128 GB."],
    [{ name: "x".repeat(125) }, "Name can be at most 124 characters."],
    [{ price: "12.00", name: "" }, "Enter a name for the variant, e.g. EU 44 or 128 GB."],
    [{ price: "12.00", colour: "red" }, expect.stringMatching(/colour/)],
  ])("refuses %j with 400 VALIDATION and changes nothing", async (body, message) => {
    const [id] = (await makeSkus([5])) as [number];
    const res = await put(id, body);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error).toMatchObject({ code: "VALIDATION", message });
    expect(await skuRow(id)).toEqual({ price: "10.50", name: "Variant 1" });
  });

  it("refuses a name another variant of the product has (in any case) with 409 SKU_NAME_TAKEN and changes nothing", async () => {
    const [first, second] = (await makeSkus([5, 5])) as [number, number];
    const res = await put(second, { price: "1.00", name: "variant 1" });
    expect(res.status).toBe(409);
    const { error } = await res.json();
    expect(error.code).toBe("SKU_NAME_TAKEN");
    expect(error.message).toMatch(/already has a variant named “variant 1”/);
    expect(await skuRow(second)).toEqual({ price: "11.50", name: "Variant 2" });
    expect(await skuRow(first)).toEqual({ price: "10.50", name: "Variant 1" });
  });

  it("applies to carts and the next checkout; an order placed before keeps its price, name and total", async () => {
    const [id] = (await makeSkus([10])) as [number];
    const [before, after] = [await makeShopper(), await makeShopper()];
    await fillCart(before, [{ skuId: id, count: 2 }]);
    const { order: old } = await buy(before);
    // Filled before the change, checked out after: the cart holds no price of its own.
    await fillCart(after, [{ skuId: id, count: 2 }]);

    expect((await put(id, { price: "7.25", name: "Renamed" })).status).toBe(200);

    const cart = await (await cartRoute(request("/api/cart", { cookie: after.cookie }), noCtx)).json();
    expect(cart.items).toMatchObject([{ skuId: id, price: "7.25", variant: "Renamed" }]);
    expect(cart.selectedTotal).toBe("14.50");

    const { order: next } = await buy(after);
    const freight = toCents(next.freight);
    expect(next.lines).toEqual([{ skuId: id, name: expect.stringMatching(/ — Renamed$/), count: 2, price: "7.25" }]);
    expect(next.totalAmount).toBe(toDecimal(2 * 725 + freight));

    const [oldRow] = await ordersOf([before.id]);
    expect(oldRow!.totalAmount).toBe(toDecimal(2 * 1050 + freight));
    expect(old.totalAmount).toBe(oldRow!.totalAmount);
    expect(await linesOf([old.orderId])).toEqual([{ orderId: old.orderId, skuId: id, name: expect.stringMatching(/ — Variant 1$/), count: 2, price: "10.50" }]);
  });
});
