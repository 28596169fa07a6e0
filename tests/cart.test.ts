import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as login } from "@/app/api/auth/login/route";
import { GET as getCart } from "@/app/api/cart/route";
import { DELETE as removeItem, PUT as updateItem } from "@/app/api/cart/items/[skuId]/route";
import { POST as addItem } from "@/app/api/cart/items/route";
import { PUT as selectAll } from "@/app/api/cart/selection/route";
import { GET as listAddresses, POST as addAddress } from "@/app/api/addresses/route";
import { getDb } from "@/db";
import { skus, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { readLines, userOwner } from "@/lib/cart/store";
import { getRedis } from "@/lib/platform/redis";
import { ctx, makeSkus, makeShopper, noCtx, request, uid } from "./support/fixtures";

const add = (cookie: string | undefined, body: unknown) => addItem(request("/api/cart/items", { method: "POST", body, cookie }), noCtx);
const read = async (cookie: string) => (await getCart(request("/api/cart", { cookie }), noCtx)).json();

describe("cart API", () => {
  it("adds, counts, selects, deselects and removes lines, with totals of selected lines", async () => {
    const [a, b] = await makeSkus([10, 4]);
    const u = await makeShopper();
    expect((await add(u.cookie, { skuId: a, count: 2 })).status).toBe(201);
    const res = await add(u.cookie, { skuId: a, count: 1 });
    expect((await res.json()).items).toEqual([expect.objectContaining({ skuId: a, count: 3, selected: true, price: "10.50", stock: 10 })]);
    await add(u.cookie, { skuId: b, count: 4 });

    let cart = await read(u.cookie);
    expect(cart.selectedCount).toBe(7);
    expect(cart.selectedTotal).toBe("77.50"); // 3 x 10.50 + 4 x 11.50
    expect(cart.items[1]).toMatchObject({ skuId: b, stock: 4 }); // shows availability; adding does not reserve

    await updateItem(request(`/api/cart/items/${b}`, { method: "PUT", body: { selected: false }, cookie: u.cookie }), ctx({ skuId: String(b) }));
    cart = await read(u.cookie);
    expect(cart).toMatchObject({ selectedCount: 3, selectedTotal: "31.50" });

    await updateItem(request(`/api/cart/items/${a}`, { method: "PUT", body: { count: 5 }, cookie: u.cookie }), ctx({ skuId: String(a) }));
    expect((await read(u.cookie)).selectedTotal).toBe("52.50");

    await selectAll(request("/api/cart/selection", { method: "PUT", body: { selected: false }, cookie: u.cookie }), noCtx);
    expect((await read(u.cookie)).selectedCount).toBe(0);
    await selectAll(request("/api/cart/selection", { method: "PUT", body: { selected: true }, cookie: u.cookie }), noCtx);
    expect((await read(u.cookie)).selectedCount).toBe(9);

    const del = await removeItem(request(`/api/cart/items/${a}`, { method: "DELETE", cookie: u.cookie }), ctx({ skuId: String(a) }));
    expect(del.status).toBe(200);
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId: b, count: 4, selected: true }]);
  });

  it("refuses to hold more units than are in stock, saying how many can still be added, but lets a short line be lowered", async () => {
    const [a, gone] = await makeSkus([3, 0]);
    const u = await makeShopper();
    expect((await add(u.cookie, { skuId: a, count: 2 })).status).toBe(201);
    const over = await add(u.cookie, { skuId: a, count: 2 });
    expect(over.status).toBe(409);
    expect((await over.json()).error).toMatchObject({ code: "OUT_OF_STOCK", message: expect.stringMatching(/^Only 3 left of .+, and your cart has 2: you can add 1 more\.$/) });
    const soldOut = await add(u.cookie, { skuId: gone, count: 1 });
    expect((await soldOut.json()).error).toMatchObject({ code: "OUT_OF_STOCK", message: expect.stringMatching(/ is sold out\.$/) });
    const raise = await updateItem(request(`/api/cart/items/${a}`, { method: "PUT", body: { count: 4 }, cookie: u.cookie }), ctx({ skuId: String(a) }));
    expect(raise.status).toBe(409);
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId: a, count: 2, selected: true }]);

    // Stock falls below the line: the shopper can still step it down (or straight to what is left).
    await getDb().update(skus).set({ stock: 0 }).where(eq(skus.id, a!));
    const lower = await updateItem(request(`/api/cart/items/${a}`, { method: "PUT", body: { count: 1 }, cookie: u.cookie }), ctx({ skuId: String(a) }));
    expect(lower.status).toBe(200);
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId: a, count: 1, selected: true }]);
  });

  it("refuses to take a line past 99, saying how many more fit, instead of quietly capping it", async () => {
    const [a] = await makeSkus([500]);
    const u = await makeShopper();
    expect((await add(u.cookie, { skuId: a, count: 60 })).status).toBe(201);
    const over = await add(u.cookie, { skuId: a, count: 60 });
    expect(over.status).toBe(400);
    const error = (await over.json()).error;
    expect(error).toMatchObject({ code: "VALIDATION", message: "Up to 99 per item, and 60 already in your cart. You can add 39 more." });
    expect(error.fieldErrors).toEqual({ count: ["Up to 99 per item, and 60 already in your cart. You can add 39 more."] });
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId: a, count: 60, selected: true }]);
    expect((await add(u.cookie, { skuId: a, count: 39 })).status).toBe(201);
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId: a, count: 99, selected: true }]);
  });

  it("refuses 0, -1, more than the stock and more than the limit with a clear message, adding nothing", async () => {
    const [a, limited] = await makeSkus([4, 10]);
    await getDb().update(skus).set({ perCustomerLimit: 1 }).where(eq(skus.id, limited!));
    const u = await makeShopper();
    const refusals = [
      { body: { skuId: a, count: 0 }, status: 400, code: "VALIDATION", message: "Quantity must be at least 1." },
      { body: { skuId: a, count: -1 }, status: 400, code: "VALIDATION", message: "Quantity must be at least 1." },
      { body: { skuId: a, count: 5 }, status: 409, code: "OUT_OF_STOCK", message: expect.stringMatching(/^Only 4 left of .+\.$/) },
      { body: { skuId: limited, count: 2 }, status: 409, code: "PURCHASE_LIMIT_REACHED", message: expect.stringMatching(/^Limit 1 per customer for .+, so you can add 1 more\.$/) },
    ];
    for (const { body, status, code, message } of refusals) {
      const res = await add(u.cookie, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json()).error).toMatchObject({ code, message });
    }
    expect(await readLines(userOwner(u.id))).toEqual([]);
    expect((await read(u.cookie)).items).toEqual([]);
  });

  it.each([0, -1, 1.5, 100, "3", null, 1e308])("refuses count %s with 400 VALIDATION and changes nothing", async (count) => {
    const [a] = await makeSkus([10]);
    const u = await makeShopper();
    await add(u.cookie, { skuId: a, count: 1 });
    const res = await add(u.cookie, { skuId: a, count });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("VALIDATION");
    const put = await updateItem(request(`/api/cart/items/${a}`, { method: "PUT", body: { count }, cookie: u.cookie }), ctx({ skuId: String(a) }));
    expect(put.status).toBe(400);
    expect(await readLines(userOwner(u.id))).toEqual([{ skuId: a, count: 1, selected: true }]);
  });

  it("answers 404 SKU_NOT_FOUND for unknown and off-sale SKUs and for lines not in the cart", async () => {
    const [a] = await makeSkus([10]);
    await getDb().update(skus).set({ onSale: false }).where(eq(skus.id, a!));
    const u = await makeShopper();
    for (const skuId of [a, 999_999_999]) {
      const res = await add(u.cookie, { skuId, count: 1 });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("SKU_NOT_FOUND");
    }
    const put = await updateItem(request(`/api/cart/items/${a}`, { method: "PUT", body: { count: 2 }, cookie: u.cookie }), ctx({ skuId: String(a) }));
    expect(put.status).toBe(404);
    const bad = await removeItem(request("/api/cart/items/abc", { method: "DELETE", cookie: u.cookie }), ctx({ skuId: "abc" }));
    expect(bad.status).toBe(404);
    expect(await readLines(userOwner(u.id))).toEqual([]);
  });

  it("gives a guest a cart that expires after 30 days idle and merges it on login", async () => {
    const [a, b, c] = await makeSkus([100, 100, 100]);
    const first = await add(undefined, { skuId: a, count: 2 });
    expect(first.status).toBe(201);
    const guestCookie = first.headers.getSetCookie().find((h) => h.startsWith("stockroom_guest="))!;
    expect(guestCookie).toMatch(/HttpOnly/i);
    const guest = guestCookie.split(";")[0]!;
    const guestId = guest.split("=")[1]!;
    await add(guest, { skuId: b, count: 90 });
    await updateItem(request(`/api/cart/items/${a}`, { method: "PUT", body: { selected: false }, cookie: guest }), ctx({ skuId: String(a) }));
    const ttl = await getRedis().ttl(`cart:{g:${guestId}}`);
    expect(ttl).toBeGreaterThan(29 * 86_400);

    // The user already has b (20) and c (1, unselected) in their cart.
    const username = uid("merge");
    const [row] = await getDb().insert(users).values({ username, passwordHash: await hashPassword("password123") }).$returningId();
    const owner = userOwner(row!.id);
    const store = await import("@/lib/cart/store");
    await store.addLine(owner, b!, 20);
    await store.addLine(owner, c!, 1);
    await store.updateLine(owner, c!, { selected: false });

    const res = await login(request("/api/auth/login", { method: "POST", body: { username, password: "password123" }, cookie: guest }), noCtx);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((h) => h.startsWith("stockroom_guest=;") || /stockroom_guest=.*Expires=Thu, 01 Jan 1970/.test(h))).toBe(true);
    expect(await readLines(owner)).toEqual([
      { skuId: a, count: 2, selected: false },
      { skuId: b, count: 99, selected: true },
      { skuId: c, count: 1, selected: false },
    ]);
    expect(await getRedis().exists(`cart:{g:${guestId}}`, `cart:{g:${guestId}}:selected`)).toBe(0);
  });
});

describe("addresses API", () => {
  it("creates and lists only the caller's addresses", async () => {
    const u = await makeShopper();
    const other = await makeShopper();
    const res = await addAddress(
      request("/api/addresses", { method: "POST", body: { name: "Ann", email: "ann@example.com", phone: "+1 555 0101", line1: "2 Oak Ave", city: "Portland", region: "Oregon", postcode: "97201", country: "us", userId: other.id }, cookie: u.cookie }),
      noCtx,
    );
    expect(res.status).toBe(201);
    const { address } = await res.json();
    expect(address).toMatchObject({ name: "Ann", region: "Oregon", country: "US", line2: "" });
    const mine = await (await listAddresses(request("/api/addresses", { cookie: u.cookie }), noCtx)).json();
    expect(mine.addresses.map((a: { id: number }) => a.id)).toContain(address.id);
    const theirs = await (await listAddresses(request("/api/addresses", { cookie: other.cookie }), noCtx)).json();
    expect(theirs.addresses.map((a: { id: number }) => a.id)).not.toContain(address.id);
    expect((await listAddresses(request("/api/addresses"), noCtx)).status).toBe(401);
    const bad = await addAddress(request("/api/addresses", { method: "POST", body: { name: "", phone: "x" }, cookie: u.cookie }), noCtx);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fieldErrors).toHaveProperty("name");
  });
});
