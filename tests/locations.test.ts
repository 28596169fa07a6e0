import { randomUUID } from "node:crypto";
import { and, eq, inArray, ne } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb, getPool } from "@/db";
import { orderLineAllocations, orders, stockAdjustments } from "@/db/schema";
import type { NextRequest } from "next/server";
import { GET as getLocations, POST as postLocation } from "@/app/api/admin/locations/route";
import { PUT as putLocation } from "@/app/api/admin/locations/[locationId]/route";
import { POST as postAdjustment } from "@/app/api/admin/stock/[skuId]/adjustments/route";
import { POST as postTransfer } from "@/app/api/admin/stock/[skuId]/transfers/route";
import { listLocations, updateLocation } from "@/lib/admin/locations";
import { transferStock } from "@/lib/admin/stock";
import { AppError } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { cancelOrder, expireOrder } from "@/lib/orders/lifecycle";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { placeFromProcesses } from "./support/buyer-processes";
import { ctx, request, fillCart, linesOf, makeLocation, makeShopper, makeShoppers, makeSkus, ordersOf, spreadStock, stockAt, stockOf, type Shopper } from "./support/fixtures";

const made: number[] = [];
/** Two fresh active locations: A sells first (priority 1), then B (priority 2). */
async function twoLocations() {
  const a = await makeLocation(1);
  const b = await makeLocation(2);
  made.push(a, b);
  return { a, b };
}
// Later files expect the shop's one active location (an adjustment may then leave out locationId).
afterAll(() => (made.length > 0 ? getPool().query("UPDATE locations SET active = 0 WHERE id IN (?)", [made]) : undefined));

const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === "fulfilled" ? "OK" : r.reason instanceof AppError ? r.reason.code : `THROWN ${String(r.reason)}`);

const allocationsOf = (orderIds: string[]) =>
  orderIds.length === 0 ? Promise.resolve([]) : getDb().select().from(orderLineAllocations).where(inArray(orderLineAllocations.orderId, orderIds));

/** Units allocated at each location to this SKU's orders that are not cancelled. */
async function heldAt(skuId: number): Promise<Map<number, number>> {
  const rows = await getDb()
    .select({ locationId: orderLineAllocations.locationId, count: orderLineAllocations.count })
    .from(orderLineAllocations)
    .innerJoin(orders, eq(orders.id, orderLineAllocations.orderId))
    .where(and(eq(orderLineAllocations.skuId, skuId), ne(orders.status, "cancelled")));
  const held = new Map<number, number>();
  for (const r of rows) held.set(r.locationId, (held.get(r.locationId) ?? 0) + r.count);
  return held;
}

/**
 * The books of one SKU balance: at every location, start + ledger deltas - units held by live
 * orders = stock there (never negative); `skus.stock` is the sum over `active`; sales = units held.
 */
async function expectBooksBalance(skuId: number, start: Map<number, number>, active: number[]) {
  const [at, held, ledger, counts] = await Promise.all([stockAt(skuId), heldAt(skuId), getDb().select().from(stockAdjustments).where(eq(stockAdjustments.skuId, skuId)), stockOf(skuId)]);
  const locations = new Set([...start.keys(), ...at.keys(), ...held.keys()]);
  for (const id of locations) {
    const deltas = ledger.filter((l) => l.locationId === id).reduce((n, l) => n + l.delta, 0);
    expect(at.get(id) ?? 0, `location ${id}`).toBeGreaterThanOrEqual(0);
    expect((start.get(id) ?? 0) + deltas - (held.get(id) ?? 0), `location ${id}`).toBe(at.get(id) ?? 0);
  }
  expect(counts.stock).toBe(active.reduce((n, id) => n + (at.get(id) ?? 0), 0));
  expect(counts.sales).toBe([...held.values()].reduce((n, c) => n + c, 0));
}

describe.each(CHECKOUT_STRATEGIES)("stock in two locations, %s strategy", (strategy) => {
  it("300 shoppers from two processes race for 40 units at A and 30 at B: at most 70 sold, A drained first, every line's units accounted for", async () => {
    const { a, b } = await twoLocations();
    const [skuId] = (await makeSkus([0])) as [number];
    await spreadStock(skuId, [
      { locationId: a, stock: 40 },
      { locationId: b, stock: 30 },
    ]);
    const buyers = await makeShoppers(300);
    // Every fourth buys 3: lines cross from A to B.
    for (const [i, u] of buyers.entries()) await fillCart(u, [{ skuId, count: i % 4 === 0 ? 3 : 1 }]);
    const asOrders = (us: Shopper[]) => us.map((u) => ({ userId: u.id, addressId: u.addressId, key: randomUUID() }));
    const outcomes = (await placeFromProcesses([asOrders(buyers.slice(0, 150)), asOrders(buyers.slice(150))], strategy)).flat();
    // The optimistic loop may give up on a row this hot (BUSY); nothing else is allowed.
    expect(outcomes.filter((o) => o !== "OK" && o !== "OUT_OF_STOCK" && !(strategy === "optimistic" && o === "BUSY"))).toEqual([]);

    const placed = await ordersOf(buyers.map((u) => u.id));
    expect(placed).toHaveLength(outcomes.filter((o) => o === "OK").length);
    const sold = placed.reduce((n, o) => n + o.totalCount, 0);
    expect(sold).toBeGreaterThan(0);
    expect(sold).toBeLessThanOrEqual(70);

    const lines = await linesOf(placed.map((o) => o.id));
    const allocations = await allocationsOf(placed.map((o) => o.id));
    for (const line of lines) {
      const own = allocations.filter((x) => x.orderId === line.orderId && x.skuId === line.skuId);
      expect(own.reduce((n, x) => n + x.count, 0)).toBe(line.count);
    }
    const at = await stockAt(skuId);
    const fromA = allocations.filter((x) => x.locationId === a).reduce((n, x) => n + x.count, 0);
    const fromB = allocations.filter((x) => x.locationId === b).reduce((n, x) => n + x.count, 0);
    expect([at.get(a), at.get(b)]).toEqual([40 - fromA, 30 - fromB]);
    // A drains first: B gave a unit only once A had none left to give.
    if (fromB > 0) expect(at.get(a)).toBe(0);
    expect(await stockOf(skuId)).toEqual({ stock: 70 - sold, sales: sold });
    await expectBooksBalance(
      skuId,
      new Map([
        [a, 40],
        [b, 30],
      ]),
      [a, b],
    );
  });
});

describe("allocation across locations", () => {
  const buy = (u: Shopper, payMethod: "cod" | "online" = "online") => placeOrder({ userId: u.id, addressId: u.addressId, payMethod, idempotencyKey: randomUUID() });

  it("splits a line that the first location cannot cover, and a cancel gives each unit back where it came from", async () => {
    const { a, b } = await twoLocations();
    const [skuId] = (await makeSkus([0])) as [number];
    await spreadStock(skuId, [
      { locationId: a, stock: 2 },
      { locationId: b, stock: 5 },
    ]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId, count: 3 }]);
    const { order } = await buy(u);
    const split = await allocationsOf([order.orderId]);
    expect(split.map((x) => [x.locationId, x.count]).sort()).toEqual(
      [
        [a, 2],
        [b, 1],
      ].sort(),
    );
    expect(await stockAt(skuId)).toEqual(
      new Map([
        [a, 0],
        [b, 4],
      ]),
    );
    await cancelOrder(u.id, order.orderId);
    expect(await stockAt(skuId)).toEqual(
      new Map([
        [a, 2],
        [b, 5],
      ]),
    );
    expect(await stockOf(skuId)).toEqual({ stock: 7, sales: 0 });
  });

  it("a double cancel, and a cancel racing expiry, give the units back once", async () => {
    const { a, b } = await twoLocations();
    const [skuId] = (await makeSkus([0])) as [number];
    await spreadStock(skuId, [
      { locationId: a, stock: 1 },
      { locationId: b, stock: 10 },
    ]);
    const [u, v] = await makeShoppers(2);
    await fillCart(u!, [{ skuId, count: 3 }]);
    await fillCart(v!, [{ skuId, count: 2 }]);
    const first = (await buy(u!)).order.orderId;
    const second = (await buy(v!)).order.orderId;
    expect(await stockOf(skuId)).toEqual({ stock: 6, sales: 5 });

    const twice = await Promise.allSettled([cancelOrder(u!.id, first), cancelOrder(u!.id, first)]);
    expect(twice.map(codeOf)).toEqual(["OK", "OK"]);
    const future = new Date(Date.now() + 24 * 3600 * 1000);
    const raced = await Promise.allSettled([cancelOrder(v!.id, second), expireOrder(second, { now: future })]);
    expect(raced[0]!.status).toBe("fulfilled");

    expect(await stockAt(skuId)).toEqual(
      new Map([
        [a, 1],
        [b, 10],
      ]),
    );
    expect(await stockOf(skuId)).toEqual({ stock: 11, sales: 0 });
    const statuses = (await ordersOf([u!.id, v!.id])).map((o) => o.status);
    expect(statuses).toEqual(["cancelled", "cancelled"]);
  });

  it("a transfer from A to B racing 60 checkouts never oversells, and the ledger balances", async () => {
    const { a, b } = await twoLocations();
    const [skuId] = (await makeSkus([0])) as [number];
    await spreadStock(skuId, [
      { locationId: a, stock: 20 },
      { locationId: b, stock: 10 },
    ]);
    const admin = await makeShopper("admin");
    const buyers = await makeShoppers(60);
    for (const u of buyers) await fillCart(u, [{ skuId, count: 1 }]);
    const transfers = Array.from({ length: 8 }, (_, i) => transferStock({ skuId, fromLocationId: a, toLocationId: b, count: 3, reason: `move ${i}`, adminId: admin.id }));
    const [sold, moved] = await Promise.all([Promise.allSettled(buyers.map((u) => buy(u, "cod"))), Promise.allSettled(transfers)]);

    expect(sold.map(codeOf).filter((c) => c !== "OK" && c !== "OUT_OF_STOCK")).toEqual([]);
    // A transfer finds A short (409, with what A had) or moves all 3; never part of them.
    for (const r of moved) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "STOCK_WOULD_GO_NEGATIVE", details: { locationId: a } });
    }
    const okTransfers = moved.filter((r) => r.status === "fulfilled").length;
    const placed = await ordersOf(buyers.map((u) => u.id));
    expect(placed).toHaveLength(sold.filter((r) => r.status === "fulfilled").length);
    expect(placed.length).toBeLessThanOrEqual(30);
    const ledger = await getDb().select().from(stockAdjustments).where(eq(stockAdjustments.skuId, skuId));
    expect(ledger).toHaveLength(2 * okTransfers);
    expect(ledger.filter((l) => l.locationId === a).every((l) => l.delta === -3)).toBe(true);
    expect(ledger.filter((l) => l.locationId === b).every((l) => l.delta === 3)).toBe(true);
    await expectBooksBalance(
      skuId,
      new Map([
        [a, 20],
        [b, 10],
      ]),
      [a, b],
    );
  });

  it("deactivating B during a race: its units stop selling at once, stay on record, and come back on reactivation", async () => {
    const { a, b } = await twoLocations();
    const [skuId] = (await makeSkus([0])) as [number];
    await spreadStock(skuId, [
      { locationId: a, stock: 20 },
      { locationId: b, stock: 30 },
    ]);
    const buyers = await makeShoppers(80);
    for (const u of buyers) await fillCart(u, [{ skuId, count: 1 }]);
    const [sold, deactivated] = await Promise.all([Promise.allSettled(buyers.map((u) => buy(u, "cod"))), updateLocation(b, { active: false })]);
    expect(deactivated).toMatchObject({ locationId: b, active: false });
    expect(sold.map(codeOf).filter((c) => c !== "OK" && c !== "OUT_OF_STOCK")).toEqual([]);

    const at = await stockAt(skuId);
    // Nothing sellable remains at B's account: the SKU's sellable stock is A's alone.
    expect((await stockOf(skuId)).stock).toBe(at.get(a));
    const start = new Map([
      [a, 20],
      [b, 30],
    ]);
    await expectBooksBalance(skuId, start, [a]);

    // No checkout after the deactivation takes from B.
    const [late] = await makeShoppers(1);
    await fillCart(late!, [{ skuId, count: 1 }]);
    const bBefore = at.get(b);
    const lateResult = await buy(late!).then(
      (r) => r.order.orderId,
      (e: unknown) => e,
    );
    expect((await stockAt(skuId)).get(b)).toBe(bBefore);
    if (typeof lateResult === "string") expect((await allocationsOf([lateResult])).map((x) => x.locationId)).toEqual([a]);
    else expect(lateResult).toMatchObject({ code: "OUT_OF_STOCK" });

    await updateLocation(b, { active: true });
    await expectBooksBalance(skuId, start, [a, b]);
    expect((await stockOf(skuId)).stock).toBeGreaterThanOrEqual(bBefore!);
  });
});

describe("the locations admin API", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route's params type differs; the test passes the right ones
  const call = async (handler: (req: NextRequest, ctx: any) => Promise<Response>, url: string, method: string, cookie: string | undefined, body?: unknown, params: Record<string, string> = {}) => {
    const res = await handler(request(url, { method, cookie, body }), ctx(params));
    return { status: res.status, body: await res.json() };
  };

  it("creates, lists, renames, re-prioritises and refuses bad input with a clear code, changing nothing", async () => {
    const admin = await makeShopper("admin");
    const shopper = await makeShopper();
    const name = `Store ${randomUUID().slice(0, 8)}`;
    const created = await call(postLocation, "/api/admin/locations", "POST", admin.cookie, { name, priority: 5 });
    expect(created).toMatchObject({ status: 201, body: { location: { name, priority: 5, active: true } } });
    const id = created.body.location.locationId as number;
    made.push(id);
    expect((await call(postLocation, "/api/admin/locations", "POST", admin.cookie, { name, priority: 6 })).body.error.code).toBe("LOCATION_NAME_TAKEN");
    const listed = await call(getLocations, "/api/admin/locations", "GET", admin.cookie);
    expect(listed.body.locations).toContainEqual({ locationId: id, name, priority: 5, active: true });
    const put = (locationId: string, body: unknown, cookie = admin.cookie) => call(putLocation, `/api/admin/locations/${locationId}`, "PUT", cookie, body, { locationId });
    expect(await put(String(id), { name: `${name} B`, priority: 7 })).toMatchObject({ status: 200, body: { location: { locationId: id, name: `${name} B`, priority: 7 } } });
    expect(await put("999999999", { priority: 1 })).toMatchObject({ status: 404, body: { error: { code: "LOCATION_NOT_FOUND" } } });
    expect((await put(String(id), { priority: 1.5 })).status).toBe(400);
    expect((await put(String(id), { priority: 1 }, shopper.cookie)).status).toBe(403);
    expect((await call(getLocations, "/api/admin/locations", "GET", undefined)).status).toBe(401);

    const [skuId] = (await makeSkus([0])) as [number];
    const other = await makeLocation(9);
    made.push(other);
    await spreadStock(skuId, [
      { locationId: id, stock: 4 },
      { locationId: other, stock: 1 },
    ]);
    const sku = String(skuId);
    const transfer = (body: unknown) => call(postTransfer, `/api/admin/stock/${sku}/transfers`, "POST", admin.cookie, body, { skuId: sku });
    const adjust = (body: unknown) => call(postAdjustment, `/api/admin/stock/${sku}/adjustments`, "POST", admin.cookie, body, { skuId: sku });
    const base = { fromLocationId: id, toLocationId: other, reason: "rebalance" };
    for (const bad of [{ ...base, toLocationId: id, count: 1 }, { ...base, count: 0 }, { ...base, count: -1 }, { ...base, count: 1.5 }]) {
      expect(await transfer(bad)).toMatchObject({ status: 400, body: { error: { code: "VALIDATION" } } });
    }
    expect(await transfer({ ...base, toLocationId: 999_999_999, count: 1 })).toMatchObject({ status: 404, body: { error: { code: "LOCATION_NOT_FOUND" } } });
    expect(await transfer({ ...base, count: 5 })).toMatchObject({ status: 409, body: { error: { code: "STOCK_WOULD_GO_NEGATIVE", available: 4 } } });
    expect(await adjust({ delta: -2, reason: "broken", locationId: other })).toMatchObject({ status: 409, body: { error: { code: "STOCK_WOULD_GO_NEGATIVE", available: 1 } } });
    expect(await adjust({ delta: 1, reason: "found", locationId: 999_999_999 })).toMatchObject({ status: 404, body: { error: { code: "LOCATION_NOT_FOUND" } } });
    // Several active locations: an adjustment must say where.
    expect(await adjust({ delta: 1, reason: "found" })).toMatchObject({ status: 400, body: { error: { code: "VALIDATION" } } });
    expect(await stockAt(skuId)).toEqual(
      new Map([
        [id, 4],
        [other, 1],
      ]),
    );
    expect(await getDb().select().from(stockAdjustments).where(eq(stockAdjustments.skuId, skuId))).toEqual([]);

    const moved = await transfer({ ...base, count: 3 });
    expect(moved).toMatchObject({ status: 201, body: { transfer: { from: { locationId: id, delta: -3, stockAfter: 1 }, to: { locationId: other, delta: 3, stockAfter: 4 }, stock: 5 } } });
    expect(await adjust({ delta: 2, reason: "found", locationId: other })).toMatchObject({ status: 201, body: { stock: 7, adjustment: { locationId: other, stockAfter: 6 } } });
  });

  it("refuses to deactivate the last active location (409) and leaves it active", async () => {
    const active = (await listLocations()).filter((l) => l.active);
    const [keep, ...rest] = active;
    try {
      for (const l of rest) await updateLocation(l.locationId, { active: false });
      await expect(updateLocation(keep!.locationId, { active: false })).rejects.toMatchObject({ code: "LAST_ACTIVE_LOCATION", status: 409 });
      expect((await listLocations()).find((l) => l.locationId === keep!.locationId)?.active).toBe(true);
    } finally {
      for (const l of rest) await updateLocation(l.locationId, { active: true });
    }
  });
});
