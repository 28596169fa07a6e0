import { and, eq, inArray, ne } from "drizzle-orm";
import { describe, expect, it, onTestFinished } from "vitest";
import { POST as adminCancelRoute } from "@/app/api/admin/orders/[orderId]/cancel/route";
import { POST as cancelRoute } from "@/app/api/orders/[orderId]/cancel/route";
import { POST as payRoute } from "@/app/api/orders/[orderId]/pay/route";
import { getDb, getPool } from "@/db";
import { orderEvents, orderLineAllocations, orders } from "@/db/schema";
import { expireUnpaidOrders } from "@/lib/orders/expiry";
import { expireOrder } from "@/lib/orders/lifecycle";
import { placeOrder } from "@/lib/orders/checkout";
import { ctx, fillCart, makeLocation, makeShopper, makeShoppers, makeSkus, request, spreadStock, stockAt, uid } from "./support/fixtures";

const post = (handler: typeof payRoute, path: string, orderId: string, cookie: string) => handler(request(path, { method: "POST", cookie }), ctx({ orderId }));
const jitter = <T>(fn: () => Promise<T>, maxMs = 30) => new Promise<T>((resolve, reject) => setTimeout(() => fn().then(resolve, reject), Math.random() * maxMs));

describe("the admin's cancel racing the shopper's pay and cancel and the expiry sweep", () => {
  it("has exactly one winner for each of 50 orders, and conserves stock at every location", async () => {
    // Two locations, the first small, so orders split their units over both.
    const [first, second] = [await makeLocation(1), await makeLocation(2)];
    // Off again afterwards: other files adjust stock where only one location is active.
    onTestFinished(() => getPool().query("UPDATE locations SET active = 0 WHERE id IN (?, ?)", [first, second]).then(() => undefined));
    const skuIds = await makeSkus([0, 0]);
    const initial = new Map<string, number>();
    for (const skuId of skuIds) {
      await spreadStock(skuId, [{ locationId: first, stock: 30 }, { locationId: second, stock: 500 }]);
      initial.set(`${skuId}:${first}`, 30).set(`${skuId}:${second}`, 500);
    }
    const admin = await makeShopper("admin");
    const users = await makeShoppers(50);
    const orderIds = await Promise.all(
      users.map(async (u, i) => {
        await fillCart(u, skuIds.map((skuId, k) => ({ skuId, count: 1 + ((i + k) % 3) })));
        const payMethod = i % 5 === 0 ? "cod" : "online";
        return (await placeOrder({ userId: u.id, addressId: u.addressId, payMethod, idempotencyKey: uid("key-") })).order.orderId;
      }),
    );

    const results = await Promise.all([
      Promise.all(
        orderIds.map((id, i) =>
          Promise.all([
            jitter(() => post(adminCancelRoute, `/api/admin/orders/${id}/cancel`, id, admin.cookie)),
            jitter(() => post(payRoute, `/api/orders/${id}/pay`, id, users[i]!.cookie)),
            jitter(() => post(cancelRoute, `/api/orders/${id}/cancel`, id, users[i]!.cookie)),
            jitter(() => expireOrder(id, { ttlSeconds: 0 }), 120),
          ]).then(async ([adminCancel, pay, cancel, expired]) => ({ id, adminCancel: adminCancel.status, adminBody: await adminCancel.json(), pay: pay.status, cancel: cancel.status, expired })),
        ),
      ),
      jitter(() => expireUnpaidOrders({ now: new Date(Date.now() + 365 * 24 * 3600 * 1000) }), 120),
    ]).then(([r]) => r);

    const rows = new Map((await getDb().select({ id: orders.id, status: orders.status, payMethod: orders.payMethod }).from(orders).where(inArray(orders.id, orderIds))).map((r) => [r.id, r]));
    const events = await getDb().select().from(orderEvents).where(inArray(orderEvents.orderId, orderIds));
    const winners = new Map<string, typeof events>();
    for (const e of events) if (e.status === "paid" || e.status === "cancelled") winners.set(e.orderId, [...(winners.get(e.orderId) ?? []), e]);
    const tally = { admin: 0, shopperCancel: 0, pay: 0, expiry: 0 };
    for (const r of results) {
      const row = rows.get(r.id)!;
      const won = winners.get(r.id) ?? [];
      // Exactly one move out of the first status, recorded once.
      expect(won).toHaveLength(1);
      const [event] = won;
      expect(event!.status).toBe(row.status);
      // The admin's cancel is 200 only when it was the winner; otherwise 409 with the status left.
      if (r.adminCancel === 200) {
        expect(event).toMatchObject({ status: "cancelled", actorKind: "admin", actorId: admin.id });
        tally.admin++;
      } else {
        expect([r.adminCancel, r.adminBody.error.code, r.adminBody.error.status]).toEqual([409, "INVALID_TRANSITION", row.status]);
        if (event!.actorKind === "system") tally.expiry++;
        else if (event!.status === "paid") tally.pay++;
        else tally.shopperCancel++;
      }
      if (row.status === "paid") expect(r.pay).toBe(200);
      if (row.payMethod === "cod") expect(row.status).toBe("cancelled");
    }
    // Every kind of move wins somewhere (else the race is not one).
    expect(tally.admin).toBeGreaterThan(0);
    expect(tally.admin + tally.shopperCancel + tally.pay + tally.expiry).toBe(50);

    // Per location: what it holds now plus what orders still standing took from it = what it started with.
    const standing = await getDb()
      .select({ skuId: orderLineAllocations.skuId, locationId: orderLineAllocations.locationId, count: orderLineAllocations.count })
      .from(orderLineAllocations)
      .innerJoin(orders, eq(orders.id, orderLineAllocations.orderId))
      .where(and(inArray(orderLineAllocations.orderId, orderIds), ne(orders.status, "cancelled")));
    for (const skuId of skuIds) {
      const now = await stockAt(skuId);
      for (const locationId of [first, second]) {
        const held = standing.filter((a) => a.skuId === skuId && a.locationId === locationId).reduce((n, a) => n + a.count, 0);
        expect({ skuId, locationId, total: now.get(locationId)! + held }).toEqual({ skuId, locationId, total: initial.get(`${skuId}:${locationId}`) });
      }
    }
  });
});
