import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as completeRoute } from "@/app/api/admin/orders/[orderId]/complete/route";
import { POST as shipRoute } from "@/app/api/admin/orders/[orderId]/ship/route";
import { POST as cancelRoute } from "@/app/api/orders/[orderId]/cancel/route";
import { POST as payRoute } from "@/app/api/orders/[orderId]/pay/route";
import { GET as orderRoute } from "@/app/api/orders/[orderId]/route";
import { getDb } from "@/db";
import { mailOutbox, orders, type PayMethod } from "@/db/schema";
import { setCartSelection } from "@/lib/cart/service";
import { readLines, userOwner } from "@/lib/cart/store";
import { isAppError } from "@/lib/errors";
import { expireUnpaidOrders } from "@/lib/orders/expiry";
import { cancelOrder, expireOrder, payOrder, secondsLeftToPay } from "@/lib/orders/lifecycle";
import { MAIL_QUEUED } from "@/lib/orders/mail-outbox";
import { onNudge } from "@/lib/platform/nudge";
import { placeOrder } from "@/lib/orders/checkout";
import { ctx, linesOf, makeSkus, makeShopper, fillCart, request, stockOf, uid, type Shopper } from "./support/fixtures";

async function placeFor(user: Shopper, lines: [skuId: number, count: number][], payMethod: PayMethod = "online") {
  await fillCart(user, lines.map(([skuId, count]) => ({ skuId, count })));
  const { order } = await placeOrder({ userId: user.id, addressId: user.addressId, payMethod, idempotencyKey: uid("key-") });
  return order.orderId;
}

async function statusOf(orderId: string) {
  const [row] = await getDb().select({ status: orders.status, updatedAt: orders.updatedAt }).from(orders).where(eq(orders.id, orderId));
  return row!;
}

const call = (handler: typeof payRoute, path: string, orderId: string, cookie?: string) => handler(request(path, { method: "POST", cookie }), ctx({ orderId }));
const pay = (orderId: string, user?: { cookie: string }) => call(payRoute, `/api/orders/${orderId}/pay`, orderId, user?.cookie);
const cancel = (orderId: string, user?: { cookie: string }) => call(cancelRoute, `/api/orders/${orderId}/cancel`, orderId, user?.cookie);
const ship = (orderId: string, user?: { cookie: string }) => call(shipRoute, `/api/admin/orders/${orderId}/ship`, orderId, user?.cookie);
const complete = (orderId: string, user?: { cookie: string }) => call(completeRoute, `/api/admin/orders/${orderId}/complete`, orderId, user?.cookie);

// A random head start for each racer, so every kind of move wins some of the races (the route
// handlers look up a session first, so direct expiry calls get a wider spread to even the odds).
const jitter = <T>(fn: () => Promise<T>, maxMs = 30) =>
  new Promise<T>((resolve, reject) => setTimeout(() => fn().then(resolve, reject), Math.random() * maxMs));

async function expectError(res: Response, status: number, code: string, orderStatus?: string) {
  const body = await res.json();
  expect({ http: res.status, code: body.error?.code }).toEqual({ http: status, code });
  if (orderStatus) expect(body.error.status).toBe(orderStatus);
}

describe("order lifecycle: racing pay, cancel and expiry", () => {
  it("ends each of 50 orders paid or cancelled, and restocks exactly the cancelled ones once", async () => {
    const start = 1000;
    const skuIds = await makeSkus([start, start, start]);
    const users = await Promise.all(Array.from({ length: 50 }, () => makeShopper()));
    // Each order has two of the three SKUs, in varying pairs, so restocks cross on shared rows.
    const plan = users.map((_, i) => {
      const pair: [number, number] = [skuIds[i % 3]!, skuIds[(i + 1) % 3]!];
      return pair.map((skuId, k) => [skuId, 1 + ((i + k) % 4)] as [number, number]);
    });
    const orderIds = await Promise.all(users.map((u, i) => placeFor(u, plan[i]!)));
    const placed = await Promise.all(skuIds.map(stockOf));
    expect(placed.every((s) => s.stock + s.sales === start)).toBe(true);

    const [results] = await Promise.all([
      Promise.all(
        orderIds.map((id, i) =>
          Promise.all([jitter(() => pay(id, users[i])), jitter(() => cancel(id, users[i])), jitter(() => expireOrder(id, { ttlSeconds: 0 }), 150)]).then(async ([paid, cancelled, expired]) => ({
            id,
            pay: { status: paid.status, body: await paid.json() },
            cancel: { status: cancelled.status, body: await cancelled.json() },
            expired,
          })),
        ),
      ),
      // A whole sweep with a clock far ahead races against all of them too.
      jitter(() => expireUnpaidOrders({ now: new Date(Date.now() + 365 * 24 * 3600 * 1000) }), 150),
    ]);

    const rows = await getDb().select({ id: orders.id, status: orders.status }).from(orders).where(inArray(orders.id, orderIds));
    const statusById = new Map(rows.map((r) => [r.id, r.status]));
    expect(new Set(rows.map((r) => r.status)).size).toBeLessThanOrEqual(2);
    for (const r of results) {
      const status = statusById.get(r.id);
      expect(["paid", "cancelled"]).toContain(status);
      if (status === "paid") {
        expect(r.pay.status).toBe(200);
        expect(r.pay.body.order.status).toBe("paid");
        expect(r.cancel.status).toBe(409);
        expect(r.cancel.body.error).toMatchObject({ code: "INVALID_TRANSITION", status: "paid" });
        expect(r.expired).toBe(false);
      } else {
        expect(r.pay.status).toBe(409);
        expect(r.pay.body.error).toMatchObject({ code: "ORDER_NOT_PAYABLE", status: "cancelled" });
        expect(r.cancel.status).toBe(200);
        expect(r.cancel.body.order.status).toBe("cancelled");
      }
    }
    // Expiry may not restock an order the shopper cancelled, nor the other way round. (The sweep's
    // own count is left out: with its clock a year ahead it also expires other files' orders.)
    const expiredByUs = results.filter((r) => r.expired).length;
    expect(expiredByUs).toBeLessThanOrEqual(results.filter((r) => statusById.get(r.id) === "cancelled").length);

    // Units still sold are exactly the paid orders' lines; everything else went back once.
    const lines = await linesOf(orderIds);
    for (const [k, skuId] of skuIds.entries()) {
      const sold = lines.filter((l) => l.skuId === skuId && statusById.get(l.orderId) === "paid").reduce((n, l) => n + l.count, 0);
      const after = await stockOf(skuId);
      expect(after, `SKU ${k + 1}`).toEqual({ stock: start - sold, sales: sold });
    }
    console.info(
      `race: ${rows.filter((r) => r.status === "paid").length} paid, ${rows.filter((r) => r.status === "cancelled").length} cancelled (${expiredByUs} by expiry)`,
    );
  });
});

describe("order lifecycle: expiry", () => {
  it("puts an expired order's units back on sale for the next shopper right after the sweep", async () => {
    const [skuId] = await makeSkus([2]);
    const [slow, next] = await Promise.all([makeShopper(), makeShopper()]);
    const held = await placeFor(slow, [[skuId!, 2]]);
    await expect(placeFor(next, [[skuId!, 1]])).rejects.toMatchObject({ code: "OUT_OF_STOCK" });

    // A fresh order is inside its time to pay: a sweep on today's clock leaves it alone.
    await expireUnpaidOrders();
    expect((await statusOf(held)).status).toBe("unpaid");

    const sweep = await expireUnpaidOrders({ ttlSeconds: 0 });
    expect(sweep.expired).toBeGreaterThanOrEqual(1);
    expect((await statusOf(held)).status).toBe("cancelled");
    expect(await stockOf(skuId!)).toEqual({ stock: 2, sales: 0 });

    // The refusal took the sold-out line out of the next shopper's selection; back on sale, they tick it again.
    expect(await readLines(userOwner(next.id))).toEqual([{ skuId, count: 1, selected: false }]);
    await setCartSelection(userOwner(next.id), true);
    const bought = await placeOrder({ userId: next.id, addressId: next.addressId, payMethod: "online", idempotencyKey: uid("key-") });
    expect(bought.order.status).toBe("unpaid");
    expect(await stockOf(skuId!)).toEqual({ stock: 1, sales: 1 });

    await expectError(await pay(held, slow), 409, "ORDER_NOT_PAYABLE", "cancelled");
    expect(await stockOf(skuId!)).toEqual({ stock: 1, sales: 1 });
  });

  it("expires an overdue order that someone tries to pay before any sweep ran", async () => {
    const [skuId] = await makeSkus([5]);
    const user = await makeShopper();
    const id = await placeFor(user, [[skuId!, 3]]);
    const later = new Date(Date.now() + 3600 * 1000);
    await expect(payOrder(user.id, id, later)).rejects.toSatisfy((e) => isAppError(e) && e.code === "ORDER_NOT_PAYABLE");
    expect((await statusOf(id)).status).toBe("cancelled");
    expect(await stockOf(skuId!)).toEqual({ stock: 5, sales: 0 });
    expect(secondsLeftToPay(new Date(0))).toBe(0);
  });

  it("never expires cash-on-delivery or paid orders", async () => {
    const [skuId] = await makeSkus([10]);
    const user = await makeShopper();
    const cod = await placeFor(user, [[skuId!, 1]], "cod");
    const paid = await placeFor(user, [[skuId!, 1]]);
    expect((await pay(paid, user)).status).toBe(200);
    await expireUnpaidOrders({ ttlSeconds: 0 });
    expect((await statusOf(cod)).status).toBe("awaiting_shipment");
    expect((await statusOf(paid)).status).toBe("paid");
    expect(await stockOf(skuId!)).toEqual({ stock: 8, sales: 2 });
  });
});

describe("order lifecycle: legal and illegal moves through the routes", () => {
  it("walks online and cash-on-delivery orders to completed; paying twice is harmless", async () => {
    const [skuId] = await makeSkus([10]);
    const [user, admin] = await Promise.all([makeShopper(), makeShopper("admin")]);
    const online = await placeFor(user, [[skuId!, 2]]);
    const cod = await placeFor(user, [[skuId!, 1]], "cod");

    const first = await pay(online, user);
    expect(first.status).toBe(200);
    expect((await first.json()).order.status).toBe("paid");
    const before = await statusOf(online);
    const again = await pay(online, user);
    expect(again.status).toBe(200);
    expect((await again.json()).order.status).toBe("paid");
    expect(await statusOf(online)).toEqual(before);

    for (const id of [online, cod]) {
      const shipped = await ship(id, admin);
      expect(shipped.status).toBe(200);
      expect((await shipped.json()).order.status).toBe("shipped");
      const done = await complete(id, admin);
      expect(done.status).toBe(200);
      expect((await done.json()).order.status).toBe("completed");
    }
    expect(await stockOf(skuId!)).toEqual({ stock: 7, sales: 3 });
  });

  it("refuses illegal moves with the right code and the current status, changing nothing", async () => {
    const [skuId] = await makeSkus([10]);
    const [user, admin] = await Promise.all([makeShopper(), makeShopper("admin")]);
    const unpaid = await placeFor(user, [[skuId!, 1]]);
    const toCancel = await placeFor(user, [[skuId!, 2]]);
    const cod = await placeFor(user, [[skuId!, 3]], "cod");
    expect(await stockOf(skuId!)).toEqual({ stock: 4, sales: 6 });

    // Ship an unpaid order.
    let before = await statusOf(unpaid);
    await expectError(await ship(unpaid, admin), 409, "INVALID_TRANSITION", "unpaid");
    await expectError(await complete(unpaid, admin), 409, "INVALID_TRANSITION", "unpaid");
    expect(await statusOf(unpaid)).toEqual(before);

    // Cancel gives the units back once; a second cancel is harmless and restocks nothing.
    const cancelled = await cancel(toCancel, user);
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).order.status).toBe("cancelled");
    expect(await stockOf(skuId!)).toEqual({ stock: 6, sales: 4 });
    before = await statusOf(toCancel);
    expect((await cancel(toCancel, user)).status).toBe(200);
    // Complete, ship or pay a cancelled order.
    await expectError(await complete(toCancel, admin), 409, "INVALID_TRANSITION", "cancelled");
    await expectError(await ship(toCancel, admin), 409, "INVALID_TRANSITION", "cancelled");
    await expectError(await pay(toCancel, user), 409, "ORDER_NOT_PAYABLE", "cancelled");
    expect(await statusOf(toCancel)).toEqual(before);
    expect(await stockOf(skuId!)).toEqual({ stock: 6, sales: 4 });

    // Cash on delivery cannot be paid online; once shipped it cannot be cancelled.
    await expectError(await pay(cod, user), 409, "INVALID_TRANSITION", "awaiting_shipment");
    expect((await ship(cod, admin)).status).toBe(200);
    before = await statusOf(cod);
    await expectError(await cancel(cod, user), 409, "INVALID_TRANSITION", "shipped");
    await expectError(await ship(cod, admin), 409, "INVALID_TRANSITION", "shipped");
    expect(await statusOf(cod)).toEqual(before);
    expect(await stockOf(skuId!)).toEqual({ stock: 6, sales: 4 });
  });

  it("answers 404 ORDER_NOT_FOUND for another shopper's order, an unknown id or a malformed one", async () => {
    const [skuId] = await makeSkus([5]);
    const [owner, stranger, admin] = await Promise.all([makeShopper(), makeShopper(), makeShopper("admin")]);
    const id = await placeFor(owner, [[skuId!, 1]]);
    const before = await statusOf(id);
    await expectError(await pay(id, stranger), 404, "ORDER_NOT_FOUND");
    await expectError(await cancel(id, stranger), 404, "ORDER_NOT_FOUND");
    await expectError(await orderRoute(request(`/api/orders/${id}`, { cookie: stranger.cookie }), ctx({ orderId: id })), 404, "ORDER_NOT_FOUND");
    expect(await statusOf(id)).toEqual(before);
    expect(await stockOf(skuId!)).toEqual({ stock: 4, sales: 1 });

    for (const unknown of ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "not-an-order-id"]) {
      await expectError(await pay(unknown, owner), 404, "ORDER_NOT_FOUND");
      await expectError(await cancel(unknown, owner), 404, "ORDER_NOT_FOUND");
      await expectError(await ship(unknown, admin), 404, "ORDER_NOT_FOUND");
      await expectError(await complete(unknown, admin), 404, "ORDER_NOT_FOUND");
    }
  });

  it("keeps the admin routes to admins: 401 for a guest, 403 for a shopper", async () => {
    const [skuId] = await makeSkus([5]);
    const user = await makeShopper();
    const id = await placeFor(user, [[skuId!, 1]], "cod");
    for (const route of [ship, complete]) {
      await expectError(await route(id), 401, "UNAUTHENTICATED");
      await expectError(await route(id, user), 403, "FORBIDDEN");
    }
    await expectError(await pay(id), 401, "UNAUTHENTICATED");
    await expectError(await cancel(id), 401, "UNAUTHENTICATED");
    expect((await statusOf(id)).status).toBe("awaiting_shipment");
  });
});

describe("order lifecycle: waking the mail relay", () => {
  it("wakes this process's relay after a move that queued an e-mail, and not after one whose order has no address to write to", async () => {
    const [skuId] = (await makeSkus([10])) as [number];
    const user = await makeShopper();
    const paid = await placeFor(user, [[skuId, 1]]);
    const cancelled = await placeFor(user, [[skuId, 1]]);
    const silent = await placeFor(user, [[skuId, 1]]);
    await getDb().update(orders).set({ shipEmail: "" }).where(eq(orders.id, silent));
    let woken = 0;
    const stop = onNudge(MAIL_QUEUED, () => woken++);
    try {
      await payOrder(user.id, paid);
      expect(woken).toBe(1);
      await cancelOrder(user.id, silent);
      expect(woken).toBe(1);
      await cancelOrder(user.id, cancelled);
      expect(woken).toBe(2);
    } finally {
      stop();
    }
    const mails = async (orderId: string) => (await getDb().select({ kind: mailOutbox.kind }).from(mailOutbox).where(eq(mailOutbox.orderId, orderId))).length;
    // Each had its confirmation queued at checkout; the silent one's cancel queued nothing.
    expect([await mails(paid), await mails(cancelled), await mails(silent)]).toEqual([2, 2, 1]);
    expect(await statusOf(silent)).toMatchObject({ status: "cancelled" });
  });
});
