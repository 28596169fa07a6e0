import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POST as createAddress } from "@/app/api/addresses/route";
import { POST as adjust } from "@/app/api/admin/stock/[skuId]/adjustments/route";
import { PUT as setOnSale } from "@/app/api/admin/skus/[skuId]/route";
import { POST as login } from "@/app/api/auth/login/route";
import { POST as register } from "@/app/api/auth/register/route";
import { DELETE as removeItem, PUT as updateItem } from "@/app/api/cart/items/[skuId]/route";
import { POST as addItem } from "@/app/api/cart/items/route";
import { PUT as select } from "@/app/api/cart/selection/route";
import { POST as cancelRoute } from "@/app/api/orders/[orderId]/cancel/route";
import { POST as payRoute } from "@/app/api/orders/[orderId]/pay/route";
import { GET as orderRoute } from "@/app/api/orders/[orderId]/route";
import { POST as postOrder } from "@/app/api/orders/route";
import { getDb } from "@/db";
import { addresses, orders, users } from "@/db/schema";
import { MAX_BODY_BYTES } from "@/lib/web/http";
import { ctx, makeSkus, makeShopper, noCtx, ordersOf, fillCart, redis, request, stockOf, uid } from "./support/fixtures";

type Handler = (req: ReturnType<typeof request>, c: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every refusal is a 4xx with `{ error: { code, message } }`; returns the code. */
async function expectRefused(res: Response, status?: number) {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
  expect(res.status, JSON.stringify(body)).toBeLessThan(500);
  if (status) expect(res.status, JSON.stringify(body)).toBe(status);
  expect(typeof body.error?.code).toBe("string");
  expect(typeof body.error?.message).toBe("string");
  return body.error.code as string;
}

const cartState = async (user: { id: number }) => ({
  lines: await redis().hgetall(`cart:{u:${user.id}}`),
  selected: (await redis().smembers(`cart:{u:${user.id}}:selected`)).sort(),
});
const countRows = async (table: typeof orders | typeof addresses | typeof users) => (await getDb().select({ n: sql<number>`count(*)` }).from(table))[0]!.n;

/** A raw body (string or stream) sent as the route would receive it. */
function raw(url: string, method: string, body: BodyInit, headers: Record<string, string> = {}, cookie?: string) {
  const req = request(url, { method, cookie, headers: { "content-type": "application/json", ...headers } });
  return new (req.constructor as typeof Request)(req, { body, duplex: "half" } as RequestInit) as typeof req;
}

describe("bad input on every writing route: 4xx with the error shape, never 500, never a change", () => {
  it("malformed JSON answers 400 MALFORMED_JSON", async () => {
    const admin = await makeShopper("admin");
    const user = await makeShopper();
    const [skuId] = await makeSkus([5]);
    const cases: [Handler, string, string, Record<string, string>][] = [
      [addItem as Handler, "/api/cart/items", "POST", {}],
      [updateItem as Handler, `/api/cart/items/${skuId}`, "PUT", { skuId: String(skuId) }],
      [select as Handler, "/api/cart/selection", "PUT", {}],
      [createAddress as Handler, "/api/addresses", "POST", {}],
      [postOrder as Handler, "/api/orders", "POST", {}],
      [login as Handler, "/api/auth/login", "POST", {}],
      [register as Handler, "/api/auth/register", "POST", {}],
      [setOnSale as Handler, `/api/admin/skus/${skuId}`, "PUT", { skuId: String(skuId) }],
      [adjust as Handler, `/api/admin/stock/${skuId}/adjustments`, "POST", { skuId: String(skuId) }],
    ];
    for (const body of ['{"skuId": 1,', "{'a':1}", "undefined", "\u0000", "[1,2", "NaN"]) {
      for (const [handler, url, method, params] of cases) {
        const cookie = url.includes("admin") ? admin.cookie : user.cookie;
        const res = await handler(raw(url, method, body, { "idempotency-key": uid("bad-key-") }, cookie), ctx(params));
        expect(await expectRefused(res, 400), `${method} ${url} ${body}`).toBe("MALFORMED_JSON");
      }
    }
    expect(await stockOf(skuId!)).toEqual({ stock: 5, sales: 0 });
    expect(await cartState(user)).toEqual({ lines: {}, selected: [] });
  });

  it("bodies over 64 KiB answer 413, with or without Content-Length (chunked)", async () => {
    const user = await makeShopper();
    const [skuId] = await makeSkus([5]);
    const big = JSON.stringify({ skuId, count: 1, pad: "x".repeat(MAX_BODY_BYTES) });
    const chunked = () => {
      const bytes = new TextEncoder().encode(big);
      return new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
          c.close();
        },
      });
    };
    const routes: [Handler, string, string][] = [
      [addItem as Handler, "/api/cart/items", "POST"],
      [createAddress as Handler, "/api/addresses", "POST"],
      [postOrder as Handler, "/api/orders", "POST"],
      [login as Handler, "/api/auth/login", "POST"],
    ];
    for (const [handler, url, method] of routes) {
      const headers = { "idempotency-key": uid("big-key-") };
      const declared = await handler(raw(url, method, big, { ...headers, "content-length": String(big.length) }, user.cookie), noCtx);
      expect(await expectRefused(declared, 413)).toBe("PAYLOAD_TOO_LARGE");
      const streamed = raw(url, method, chunked(), headers, user.cookie);
      expect(streamed.headers.get("content-length")).toBeNull();
      expect(await expectRefused(await handler(streamed, noCtx), 413)).toBe("PAYLOAD_TOO_LARGE");
    }
    expect(await cartState(user)).toEqual({ lines: {}, selected: [] });
  });

  it("absurd numbers and wrong types in the cart answer 400 and leave the cart alone", async () => {
    const user = await makeShopper();
    const [skuId] = await makeSkus([50]);
    await fillCart(user, [{ skuId: skuId!, count: 2 }]);
    const before = await cartState(user);
    const bad = [-1, 0, 1.5, 1e308, -1e308, "NaN", "3", "1e3", null, true, [], {}, 100, Number.MAX_SAFE_INTEGER + 2];
    for (const count of bad) {
      await expectRefused(await addItem(request("/api/cart/items", { method: "POST", cookie: user.cookie, body: { skuId, count } }), noCtx), 400);
      await expectRefused(await updateItem(request(`/api/cart/items/${skuId}`, { method: "PUT", cookie: user.cookie, body: { count } }), ctx({ skuId: String(skuId) })), 400);
    }
    for (const id of [-1, 0, 1.5, 1e308, "NaN", "1", null, Number.MAX_SAFE_INTEGER + 2]) {
      await expectRefused(await addItem(request("/api/cart/items", { method: "POST", cookie: user.cookie, body: { skuId: id, count: 1 } }), noCtx), 400);
    }
    for (const selected of ["true", 1, null, "yes"]) {
      await expectRefused(await select(request("/api/cart/selection", { method: "PUT", cookie: user.cookie, body: { selected } }), noCtx), 400);
    }
    // Path ids that are not positive integers, or unknown, are 404s.
    for (const id of ["abc", "-1", "0", "1.5", "1e3", "NaN", "9".repeat(40), "٣", "99999999"]) {
      await expectRefused(await updateItem(request(`/api/cart/items/x`, { method: "PUT", cookie: user.cookie, body: { count: 1 } }), ctx({ skuId: id })), 404);
      await expectRefused(await removeItem(request(`/api/cart/items/x`, { method: "DELETE", cookie: user.cookie }), ctx({ skuId: id })), 404);
    }
    await expectRefused(await addItem(request("/api/cart/items", { method: "POST", cookie: user.cookie, body: { skuId: 99_999_999, count: 1 } }), noCtx), 404);
    expect(await cartState(user)).toEqual(before);
  });

  it("extra fields (role, price, userId, status, totals) are ignored, never applied", async () => {
    const user = await makeShopper();
    const other = await makeShopper();
    const [skuId] = await makeSkus([50]);

    const reg = await register(request("/api/auth/register", { method: "POST", body: { username: uid("xr"), password: "password123", role: "admin", id: 1 } }), noCtx);
    expect((await reg.json()).user.role).toBe("shopper");

    const added = await addItem(request("/api/cart/items", { method: "POST", cookie: user.cookie, body: { skuId, count: 1, price: "0.01", userId: other.id } }), noCtx);
    expect(added.status).toBe(201);
    expect((await added.json()).items[0].price).toBe("10.50");
    expect(await cartState(other)).toEqual({ lines: {}, selected: [] });

    const addr = await createAddress(
      request("/api/addresses", { method: "POST", cookie: user.cookie, body: { name: "R", email: "r@example.com", phone: "+1 555", line1: "Y", city: "X", postcode: "1", country: "US", userId: other.id, id: 1 } }),
      noCtx,
    );
    expect(addr.status).toBe(201);
    const addressId = (await addr.json()).address.id;
    expect((await getDb().select().from(addresses).where(eq(addresses.id, addressId)))[0]!.userId).toBe(user.id);

    const res = await postOrder(
      request("/api/orders", {
        method: "POST",
        cookie: user.cookie,
        headers: { "idempotency-key": uid("extra-") },
        body: { addressId: user.addressId, payMethod: "online", status: "completed", userId: other.id, totalAmount: "0.01", price: "0.01", lines: [{ skuId, count: 50 }] },
      }),
      noCtx,
    );
    expect(res.status).toBe(201);
    const { order } = await res.json();
    expect(order).toMatchObject({ status: "unpaid", totalCount: 1, totalAmount: "20.50" });
    expect(await ordersOf([other.id])).toHaveLength(0);
  });

  it("other users' ids and unknown ids answer 404 and change nothing", async () => {
    const owner = await makeShopper();
    const intruder = await makeShopper();
    const [skuId] = await makeSkus([20]);
    await fillCart(owner, [{ skuId: skuId!, count: 1 }]);
    const placed = await postOrder(
      request("/api/orders", { method: "POST", cookie: owner.cookie, headers: { "idempotency-key": uid("own-") }, body: { addressId: owner.addressId, payMethod: "online" } }),
      noCtx,
    );
    const orderId = (await placed.json()).order.orderId as string;
    for (const handler of [orderRoute, payRoute, cancelRoute] as Handler[]) {
      for (const id of [orderId, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "not-an-order", "' OR 1=1 --", "x".repeat(5000)]) {
        const res = await handler(request(`/api/orders/x`, { method: "POST", cookie: intruder.cookie }), ctx({ orderId: id }));
        expect(await expectRefused(res, 404)).toBe("ORDER_NOT_FOUND");
      }
    }
    expect((await getDb().select({ status: orders.status }).from(orders).where(eq(orders.id, orderId)))[0]!.status).toBe("unpaid");

    // Checking out to someone else's address.
    await fillCart(intruder, [{ skuId: skuId!, count: 1 }]);
    const stock = await stockOf(skuId!);
    const res = await postOrder(
      request("/api/orders", { method: "POST", cookie: intruder.cookie, headers: { "idempotency-key": uid("steal-") }, body: { addressId: owner.addressId, payMethod: "cod" } }),
      noCtx,
    );
    expect(await expectRefused(res, 404)).toBe("ADDRESS_NOT_FOUND");
    expect(await stockOf(skuId!)).toEqual(stock);
    expect(await ordersOf([intruder.id])).toHaveLength(0);
  });

  it("very long and unicode strings: 400 when over a limit, stored intact when allowed", async () => {
    const user = await makeShopper();
    const addressesBefore = await countRows(addresses);
    const long = "𝔸".repeat(10_000);
    for (const body of [
      { name: long, phone: "+1 555", line1: "d", email: "r@example.com", city: "c", postcode: "1", country: "US" },
      { name: "r", phone: long, line1: "d", email: "r@example.com", city: "c", postcode: "1", country: "US" },
      { name: "r", phone: "+1 555", line1: "d".repeat(60_000), email: "r@example.com", city: "c", postcode: "1", country: "US" },
      { name: "", phone: "+1 555", line1: "d", email: "r@example.com", city: "c", postcode: "1", country: "US" },
      { name: 5, phone: "+1 555", line1: "d", email: "r@example.com", city: "c", postcode: "1", country: "US" },
    ]) {
      await expectRefused(await createAddress(request("/api/addresses", { method: "POST", cookie: user.cookie, body }), noCtx), 400);
    }
    expect(await countRows(addresses)).toBe(addressesBefore);

    const unicode = { name: "Zoë Ångström 张伟 🚀", email: "zoe@example.com", phone: "+49 30 1234", line1: "Straße 1, 東京", line2: "", city: "Köln", region: "NRW", postcode: "50667", country: "DE" };
    const ok = await createAddress(request("/api/addresses", { method: "POST", cookie: user.cookie, body: unicode }), noCtx);
    expect(ok.status).toBe(201);
    expect((await ok.json()).address).toMatchObject(unicode);

    const usersBefore = await countRows(users);
    for (const username of ["Zoë", "🚀🚀🚀", "a".repeat(10_000), "x y z", "<script>"]) {
      await expectRefused(await register(request("/api/auth/register", { method: "POST", body: { username, password: "password123" } }), noCtx), 400);
      const res = await login(request("/api/auth/login", { method: "POST", body: { username, password: "p".repeat(129) }, headers: { "x-forwarded-for": uid("ip") } }), noCtx);
      await expectRefused(res);
    }
    expect(await countRows(users)).toBe(usersBefore);
  });
});

/** JSON values of every shape, biased toward the fields the routes read. */
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const numberish = fc.oneof(
  fc.integer({ min: -5, max: 120 }),
  fc.double(),
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ maxLength: 8 }),
  fc.constantFrom("NaN", "1", "Infinity", null, true, [], {}),
);

describe("property: arbitrary cart and checkout bodies never cause a 500 or a change on refusal", () => {
  it("POST /api/cart/items and PUT /api/cart/items/:skuId", async () => {
    const user = await makeShopper();
    const [skuId, offSale] = await makeSkus([30, 30]);
    await setOnSaleDirect(offSale!);
    const body = fc.oneof(
      jsonValue,
      fc.record({ skuId: fc.oneof(numberish, fc.constantFrom(skuId!, offSale!, 99_999_999)), count: numberish }, { requiredKeys: [] }),
      fc.record({ skuId: fc.constant(skuId!), count: numberish, selected: fc.oneof(fc.boolean(), numberish), price: numberish, userId: numberish }, { requiredKeys: [] }),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.oneof(fc.constant(String(skuId)), fc.string({ maxLength: 12 })), async (b, pathId) => {
        for (const call of [
          () => addItem(request("/api/cart/items", { method: "POST", cookie: user.cookie, body: JSON.stringify(b) }), noCtx),
          () => updateItem(request("/api/cart/items/x", { method: "PUT", cookie: user.cookie, body: JSON.stringify(b) }), ctx({ skuId: pathId })),
        ]) {
          const before = await cartState(user);
          const res = await call();
          expect(res.status).not.toBeGreaterThanOrEqual(500);
          if (res.status >= 400) {
            await expectRefused(res);
            expect(await cartState(user)).toEqual(before);
          } else {
            accepted++;
            const cart = await res.json();
            for (const item of cart.items) {
              expect(item.count).toBeGreaterThanOrEqual(1);
              expect(item.count).toBeLessThanOrEqual(99);
            }
            expect(cart.items.map((i: { skuId: number }) => i.skuId)).not.toContain(offSale);
          }
        }
      }),
      { numRuns: 150 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("POST /api/orders", async () => {
    const user = await makeShopper();
    const other = await makeShopper();
    const [skuId] = await makeSkus([100_000]);
    const body = fc.oneof(
      jsonValue,
      fc.record(
        {
          addressId: fc.oneof(numberish, fc.constantFrom(user.addressId, other.addressId)),
          payMethod: fc.oneof(fc.constantFrom("cod", "online", "COD", "card", ""), numberish),
          status: fc.constantFrom("completed", "shipped"),
          userId: fc.constant(other.id),
          totalAmount: fc.constant("0.01"),
        },
        { requiredKeys: [] },
      ),
      // Mostly valid, so the property also covers orders that go through.
      fc.record({ addressId: fc.constant(user.addressId), payMethod: fc.constantFrom("cod", "online"), status: fc.constant("completed"), userId: fc.constant(other.id) }),
    );
    let created = 0;
    const key = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9_.:-]{8,64}$/));
    await fc.assert(
      fc.asyncProperty(body, key, async (b, idempotencyKey) => {
        await fillCart(user, [{ skuId: skuId!, count: 1 }]);
        const before = { orders: (await ordersOf([user.id, other.id])).length, stock: await stockOf(skuId!), cart: await cartState(user) };
        const headers: Record<string, string> = {};
        if (idempotencyKey !== undefined && /^[\x20-\x7e]*$/.test(idempotencyKey)) headers["idempotency-key"] = idempotencyKey;
        const res = await postOrder(request("/api/orders", { method: "POST", cookie: user.cookie, headers, body: JSON.stringify(b) }), noCtx);
        expect(res.status).not.toBeGreaterThanOrEqual(500);
        if (res.status >= 400) {
          await expectRefused(res);
          expect({ orders: (await ordersOf([user.id, other.id])).length, stock: await stockOf(skuId!), cart: await cartState(user) }).toEqual(before);
        } else {
          created++;
          const { order } = await res.json();
          expect(order.address.name).toBe("Test Buyer");
          expect(["unpaid", "awaiting_shipment"]).toContain(order.status);
        }
        expect(await ordersOf([other.id])).toHaveLength(0);
      }),
      { numRuns: 100 },
    );
    expect(created).toBeGreaterThan(0);
  });
});

async function setOnSaleDirect(skuId: number) {
  const { skus } = await import("@/db/schema");
  await getDb().update(skus).set({ onSale: false }).where(eq(skus.id, skuId));
}
