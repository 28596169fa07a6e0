import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as getOrderRoute } from "@/app/api/orders/[orderId]/route";
import { POST as cancelRoute } from "@/app/api/orders/[orderId]/cancel/route";
import { POST as claimRoute } from "@/app/api/orders/[orderId]/claim/route";
import { POST as payRoute } from "@/app/api/orders/[orderId]/pay/route";
import { POST as postOrder } from "@/app/api/orders/route";
import { POST as registerRoute } from "@/app/api/auth/register/route";
import { getDb } from "@/db";
import { orders, users } from "@/db/schema";
import { GUEST_COOKIE, newGuestId } from "@/lib/cart/guest";
import { cartKeys, guestOwner, readCart, type Line } from "@/lib/cart/store";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { placeGuestOrder } from "@/lib/orders/guests";
import { waitFor } from "./support/wait";
import { ctx, linesOf, makeShopper, makeSkus, noCtx, redis, request, setSaleFields, stockOf } from "./support/fixtures";

const ADDRESS = { name: "Gia Guest", phone: "+44 20 7946 0000", line1: "10 Downing Street", line2: "Flat 2", city: "London", region: "", postcode: "SW1A 2AA", country: "GB" as const };
const BODY = { email: "Gia@Example.com", address: ADDRESS, payMethod: "online" as const };

/** A guest with `lines` in its cart (all selected), as the guest cookie names it. */
async function guestWith(lines: Line[]) {
  const guestId = newGuestId();
  const k = cartKeys(guestOwner(guestId));
  await redis()
    .multi()
    .hset(k.items, ...lines.flatMap((l) => [String(l.skuId), String(l.count)]))
    .sadd(k.selected, ...lines.map((l) => String(l.skuId)))
    .exec();
  return { guestId, cookie: `${GUEST_COOKIE}=${guestId}` };
}

const submit = (cookie: string | undefined, key: string, body: unknown = BODY) =>
  postOrder(request("/api/orders", { method: "POST", cookie, headers: { "idempotency-key": key }, body }), noCtx);

async function guestOrders(guestId: string) {
  const [owner] = await getDb().select({ id: users.id }).from(users).where(eq(users.guestId, guestId));
  return owner ? getDb().select().from(orders).where(eq(orders.userId, owner.id)) : [];
}

const tokenOf = (orderUrl: string) => new URL(orderUrl, "http://localhost").searchParams.get("token")!;

describe("guest checkout through POST /api/orders", () => {
  it("places a guest cart's order with the typed address as a snapshot, and answers its signed link", async () => {
    const [skuId] = await makeSkus([5]);
    const guest = await guestWith([{ skuId: skuId!, count: 2 }]);
    const res = await submit(guest.cookie, randomUUID());
    expect(res.status).toBe(201);
    const { order, orderUrl } = await res.json();
    expect(order).toMatchObject({ status: "unpaid", totalCount: 2, address: { ...ADDRESS, email: "gia@example.com" } });
    expect(orderUrl).toMatch(new RegExp(`^/orders/${order.orderId}\\?token=[A-Za-z0-9_-]{43}$`));
    expect(await stockOf(skuId!)).toEqual({ stock: 3, sales: 2 });
    const [row] = await guestOrders(guest.guestId);
    expect(row).toMatchObject({ addressId: null, shipEmail: "gia@example.com", shipCountry: "GB", shipPostcode: "SW1A 2AA", shipLine2: "Flat 2" });
    expect((await readCart(guestOwner(guest.guestId))).lines).toEqual([]);
    const [owner] = await getDb().select().from(users).where(eq(users.guestId, guest.guestId));
    expect(owner).toMatchObject({ role: "guest", username: `g:${guest.guestId}` });
  });

  it.each(CHECKOUT_STRATEGIES)("%s: two tabs submitting one guest cart at once make one order; a replayed key answers it with 200", async (strategy) => {
    const [skuId] = await makeSkus([10]);
    const guest = await guestWith([{ skuId: skuId!, count: 1 }]);
    const input = { ...BODY, payMethod: "cod" as const };
    const keys = [randomUUID(), randomUUID()];
    const results = await Promise.allSettled(keys.map((idempotencyKey) => placeGuestOrder(guest.guestId, { ...input, idempotencyKey }, strategy)));
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected");
    expect(lost && lost.status === "rejected" ? (lost.reason as { code: string }).code : null).toMatch(/^(CART_ALREADY_ORDERED|EMPTY_CART)$/);
    expect(await guestOrders(guest.guestId)).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });

    const winnerKey = keys[results.findIndex((r) => r.status === "fulfilled")]!;
    const replay = await submit(guest.cookie, winnerKey, input);
    expect(replay.status).toBe(200);
    expect((await replay.json()).order.orderId).toBe(won[0]!.order.orderId);
    // The same key with another address is another request: refused, nothing written.
    const reused = await submit(guest.cookie, winnerKey, { ...input, address: { ...ADDRESS, line1: "11 Downing Street" } });
    expect(reused.status).toBe(422);
    expect(await guestOrders(guest.guestId)).toHaveLength(1);
  });

  it("finishes the cart cleanup a crash after COMMIT left, on a replay, and a fresh key never buys the lines again", async () => {
    const [skuId] = await makeSkus([10]);
    const guest = await guestWith([{ skuId: skuId!, count: 2 }]);
    const key = randomUUID();
    const first = await (await submit(guest.cookie, key)).json();
    // The first checkout clears its flag after answering: wait for it, so it cannot undo the crash staged below.
    await waitFor("the cleanup flag cleared", async () => (await guestOrders(guest.guestId))[0]?.cartCleanupPending === false);
    // As if the process died between COMMIT and the cleanup: the flag set, the lines back in the cart, no marker.
    const k = cartKeys(guestOwner(guest.guestId));
    await getDb().update(orders).set({ cartCleanupPending: true }).where(eq(orders.id, first.order.orderId));
    await redis().multi().hset(k.items, String(skuId), "2").sadd(k.selected, String(skuId)).del(`cart:{${guestOwner(guest.guestId)}}:bought:${first.order.orderId}`).exec();

    const again = await submit(guest.cookie, randomUUID());
    expect([again.status, (await again.json()).error?.code]).toSatisfy(([s, c]) => (s === 409 && c === "CART_ALREADY_ORDERED") || (s === 400 && c === "EMPTY_CART"));
    const replay = await submit(guest.cookie, key);
    expect(replay.status).toBe(200);
    expect((await replay.json()).order.orderId).toBe(first.order.orderId);
    expect((await readCart(guestOwner(guest.guestId))).lines).toEqual([]);
    expect((await guestOrders(guest.guestId)).map((o) => o.cartCleanupPending)).toEqual([false]);
    expect(await stockOf(skuId!)).toEqual({ stock: 8, sales: 2 });
  });

  it("refuses a guest a SKU with a per-customer limit, naming it, and writes nothing (no order, no owner, no stock)", async () => {
    const [limited, free] = await makeSkus([10, 10]);
    await setSaleFields(limited!, { perCustomerLimit: 1 });
    const guest = await guestWith([
      { skuId: limited!, count: 1 },
      { skuId: free!, count: 1 },
    ]);
    const res = await submit(guest.cookie, randomUUID());
    expect(res.status).toBe(403);
    const { error } = await res.json();
    expect(error.code).toBe("ACCOUNT_REQUIRED");
    expect(error.message).toMatch(/Variant 1.*limit of 1 per customer.*account/);
    expect(error.lines).toEqual([expect.objectContaining({ skuId: limited, limit: 1 })]);
    expect(await getDb().select().from(users).where(eq(users.guestId, guest.guestId))).toEqual([]);
    expect([await stockOf(limited!), await stockOf(free!)]).toEqual([
      { stock: 10, sales: 0 },
      { stock: 10, sales: 0 },
    ]);
  });

  it("refuses a limited SKU inside the commit too, for a guest whose owner already exists", async () => {
    const [skuId, limited] = await makeSkus([10, 10]);
    const guest = await guestWith([{ skuId: skuId!, count: 1 }]);
    expect((await submit(guest.cookie, randomUUID())).status).toBe(201);
    const k = cartKeys(guestOwner(guest.guestId));
    await setSaleFields(limited!, { perCustomerLimit: 2 });
    await redis().multi().hset(k.items, String(limited), "1").sadd(k.selected, String(limited)).exec();
    const res = await submit(guest.cookie, randomUUID());
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("ACCOUNT_REQUIRED");
    expect(await guestOrders(guest.guestId)).toHaveLength(1);
    expect(await stockOf(limited!)).toEqual({ stock: 10, sales: 0 });
  });

  it("validates the e-mail and the address, field by field, and needs a guest cart or a session", async () => {
    const [skuId] = await makeSkus([10]);
    const guest = await guestWith([{ skuId: skuId!, count: 1 }]);
    const bad = await submit(guest.cookie, randomUUID(), { ...BODY, email: "nope", address: { ...ADDRESS, postcode: "" } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("VALIDATION");
    const noCart = await submit(undefined, randomUUID());
    expect([noCart.status, (await noCart.json()).error.code]).toEqual([401, "UNAUTHENTICATED"]);
    expect(await guestOrders(guest.guestId)).toEqual([]);
  });
});

describe("a guest order's signed link", () => {
  async function placed(payMethod: "online" | "cod" = "online") {
    const [skuId] = await makeSkus([10]);
    const guest = await guestWith([{ skuId: skuId!, count: 1 }]);
    const { order, orderUrl } = await (await submit(guest.cookie, randomUUID(), { ...BODY, payMethod })).json();
    return { skuId: skuId!, orderId: order.orderId as string, token: tokenOf(orderUrl), number: order.orderNumber as string };
  }
  const get = (orderId: string, token?: string) => getOrderRoute(request(`/api/orders/${orderId}${token === undefined ? "" : `?token=${token}`}`), ctx({ orderId }));

  it("shows the order with its token and 404s without it, with a forged one, or with another order's", async () => {
    const a = await placed();
    const b = await placed();
    expect((await get(a.orderId, a.token)).status).toBe(200);
    expect((await (await get(a.orderId, a.token)).json()).order.orderId).toBe(a.orderId);
    expect((await get(a.orderId)).status).toBe(401);
    expect((await get(a.number, a.token)).status).toBe(404);
    expect((await get(a.orderId, b.token)).status).toBe(404);
    const forged = a.token.slice(0, -2) + (a.token.endsWith("AA") ? "BB" : "AA");
    expect((await get(a.orderId, forged)).status).toBe(404);
    expect((await get(a.orderId, "x")).status).toBe(404);
  });

  it("pays and cancels through the link (lib/orders/lifecycle.ts); a wrong link moves nothing", async () => {
    const a = await placed("online");
    const b = await placed("cod");
    const at = (orderId: string, token: string) => request(`/api/orders/${orderId}/x?token=${token}`, { method: "POST" });
    expect((await payRoute(at(a.orderId, b.token), ctx({ orderId: a.orderId }))).status).toBe(404);
    const paid = await payRoute(at(a.orderId, a.token), ctx({ orderId: a.orderId }));
    expect((await paid.json()).order.status).toBe("paid");
    const cancelled = await cancelRoute(at(b.orderId, b.token), ctx({ orderId: b.orderId }));
    expect((await cancelled.json()).order.status).toBe("cancelled");
    expect(await stockOf(b.skuId)).toEqual({ stock: 10, sales: 0 });
  });

  it("claims the order into an account registered later with the same e-mail, and the link stops working", async () => {
    const a = await placed();
    const register = async (email?: string) => {
      const res = await registerRoute(request("/api/auth/register", { method: "POST", body: { username: `claim${randomUUID().slice(0, 8)}`, password: "password123", email } }), noCtx);
      expect(res.status).toBe(201);
      return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    };
    const claim = (cookie: string, token: string | undefined) =>
      claimRoute(request(`/api/orders/${a.orderId}/claim${token ? `?token=${token}` : ""}`, { method: "POST", cookie }), ctx({ orderId: a.orderId }));

    const stranger = await register("someone@example.com");
    expect([(await claim(stranger, a.token)).status]).toEqual([403]);
    const noEmail = await register();
    expect((await claim(noEmail, a.token)).status).toBe(403);
    const owner = await register("GIA@example.com");
    expect((await claim(owner, undefined)).status).toBe(404);
    const other = await placed();
    expect((await claim(owner, other.token)).status).toBe(404);

    const claimed = await claim(owner, a.token);
    expect(claimed.status).toBe(200);
    expect((await claimed.json()).order.orderId).toBe(a.orderId);
    const [row] = await getDb().select().from(orders).where(eq(orders.id, a.orderId));
    const [account] = await getDb().select().from(users).where(eq(users.email, "gia@example.com"));
    expect(row!.userId).toBe(account!.id);
    expect((await getOrderRoute(request(`/api/orders/${a.orderId}`, { cookie: owner }), ctx({ orderId: a.orderId }))).status).toBe(200);
    // The signature covered the guest owner: the old link is dead, and a second claim finds nothing.
    expect((await get(a.orderId, a.token)).status).toBe(404);
    expect((await claim(stranger, a.token)).status).toBe(404);
    expect(await linesOf([a.orderId])).toHaveLength(1);
  });

  it("is a 404 for a signed-in shopper's order (only guest orders have links)", async () => {
    const shopper = await makeShopper();
    const rows = await getDb().select().from(orders).where(inArray(orders.userId, [shopper.id]));
    expect(rows).toEqual([]);
    expect((await get("01ARZ3NDEKTSV4RRFFQ69G5FAV", "A".repeat(43))).status).toBe(404);
  });
});
