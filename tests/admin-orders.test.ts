import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/admin/orders/route";
import { GET as detailRoute } from "@/app/api/admin/orders/[orderId]/route";
import { POST as cancelRoute } from "@/app/api/admin/orders/[orderId]/cancel/route";
import { POST as shipRoute } from "@/app/api/admin/orders/[orderId]/ship/route";
import { POST as bulkShipRoute } from "@/app/api/admin/orders/ship/route";
import { GET as shopperOrderRoute } from "@/app/api/orders/[orderId]/route";
import { getDb } from "@/db";
import { orderEvents, orders, type PayMethod } from "@/db/schema";
import { placeOrder } from "@/lib/orders/checkout";
import { payOrder } from "@/lib/orders/lifecycle";
import { ctx, fillCart, makeShopper, makeShoppers, makeSkus, noCtx, request, stockOf, uid, type Shopper } from "./support/fixtures";

let admin: Shopper;
let shopper: Shopper;

beforeAll(async () => {
  admin = await makeShopper("admin");
  shopper = await makeShopper("shopper");
});

async function placeFor(user: Shopper, skuId: number, count = 1, payMethod: PayMethod = "cod") {
  await fillCart(user, [{ skuId, count }]);
  return (await placeOrder({ userId: user.id, addressId: user.addressId, payMethod, idempotencyKey: uid("key-") })).order;
}

const list = async (query: string, cookie = admin.cookie) => {
  const res = await listRoute(request(`/api/admin/orders?${query}`, { cookie }), noCtx);
  return { status: res.status, body: await res.json() };
};
const detail = (ref: string, cookie = admin.cookie) => detailRoute(request(`/api/admin/orders/${encodeURIComponent(ref)}`, { cookie }), ctx({ orderId: ref }));
const cancel = (ref: string, cookie = admin.cookie) => cancelRoute(request(`/api/admin/orders/${ref}/cancel`, { method: "POST", cookie }), ctx({ orderId: ref }));
const ship = (ref: string, body: unknown = {}, cookie = admin.cookie) => shipRoute(request(`/api/admin/orders/${ref}/ship`, { method: "POST", cookie, body }), ctx({ orderId: ref }));
const bulk = (body: unknown, cookie = admin.cookie) => bulkShipRoute(request("/api/admin/orders/ship", { method: "POST", cookie, body }), noCtx);
const statuses = async (ids: string[]) => new Map((await getDb().select({ id: orders.id, status: orders.status }).from(orders).where(inArray(orders.id, ids))).map((r) => [r.id, r.status]));

describe("the orders room's API refuses bad input and changes nothing", () => {
  let orderId: string;
  let skuId: number;
  beforeAll(async () => {
    [skuId] = (await makeSkus([20])) as [number];
    orderId = (await placeFor(shopper, skuId, 2)).orderId;
  });

  it("answers guests 401 and shoppers 403 on every new route, and moves nothing", async () => {
    const calls = [
      (c?: string) => listRoute(request("/api/admin/orders", { cookie: c }), noCtx),
      (c?: string) => detail(orderId, c),
      (c?: string) => cancel(orderId, c),
      (c?: string) => ship(orderId, { trackingNumber: "X" }, c),
      (c?: string) => bulk({ orderIds: [orderId] }, c),
    ];
    for (const call of calls) {
      const guest = await call(""); // no cookie at all
      expect([guest.status, (await guest.json()).error.code]).toEqual([401, "UNAUTHENTICATED"]);
      const asShopper = await call(shopper.cookie);
      expect([asShopper.status, (await asShopper.json()).error.code]).toEqual([403, "FORBIDDEN"]);
    }
    expect((await statuses([orderId])).get(orderId)).toBe("awaiting_shipment");
    expect((await stockOf(skuId)).stock).toBe(18);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["limit=2.5", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${Buffer.from("123.ZZZ").toString("base64url")}`, "cursor"],
    ["from=2026-05-02&to=2026-05-01", "to"],
    ["from=yesterday", "from"],
    ["status=lost", "status"],
  ])("GET ?%s is 400 VALIDATION naming %s", async (query, field) => {
    const { status, body } = await list(query);
    expect([status, body.error.code]).toEqual([400, "VALIDATION"]);
    expect(body.error.fieldErrors[field]).toBeDefined();
  });

  it.each(["01ARZ3NDEKTSV4RRFFQ69G5FAV", "SR-000000", "nope", "SR-7K3F92", "%2e%2e"])("an unknown or malformed order %s is 404 ORDER_NOT_FOUND to read, cancel and ship", async (ref) => {
    for (const res of [await detail(ref), await cancel(ref), await ship(ref)]) {
      expect([res.status, (await res.json()).error.code]).toEqual([404, "ORDER_NOT_FOUND"]);
    }
  });

  it("refuses a bulk ship of none or of more than 100 with 400, and ships nothing", async () => {
    for (const body of [{ orderIds: [] }, { orderIds: Array.from({ length: 101 }, () => orderId) }, {}, { orderIds: "x" }]) {
      const res = await bulk(body);
      expect([res.status, (await res.json()).error.code]).toEqual([400, "VALIDATION"]);
    }
    const tooLong = await ship(orderId, { carrier: "x".repeat(65) });
    expect([tooLong.status, (await tooLong.json()).error.code]).toEqual([400, "VALIDATION"]);
    expect((await statuses([orderId])).get(orderId)).toBe("awaiting_shipment");
  });
});

describe("finding orders", () => {
  let product: string;
  let code: string;
  let ids: { a: string; aNumber: string; b: string; c: string };
  let buyer: Shopper;
  beforeAll(async () => {
    product = uid("Findable ");
    const [sku] = (await makeSkus([50], { product })) as [number];
    code = uid("CODE-").toUpperCase();
    await getDb().execute(`UPDATE skus SET code = '${code}' WHERE id = ${sku}`);
    buyer = await makeShopper();
    const a = await placeFor(buyer, sku, 1, "online");
    const b = await placeFor(buyer, sku, 2, "cod");
    const c = await placeFor(shopper, sku, 3, "cod");
    ids = { a: a.orderId, aNumber: a.orderNumber, b: b.orderId, c: c.orderId };
  });

  const idsOf = (body: { orders: { orderId: string }[] }) => body.orders.map((o) => o.orderId);

  it("by order number in any case, by id, by customer, by SKU code and by product name", async () => {
    expect(idsOf((await list(`q=${ids.aNumber.toLowerCase()}`)).body)).toEqual([ids.a]);
    expect(idsOf((await list(`q=${ids.aNumber}`)).body)).toEqual([ids.a]);
    expect(idsOf((await list(`q=${ids.b.toLowerCase()}`)).body)).toEqual([ids.b]);
    expect(idsOf((await list(`q=${buyer.username.slice(0, 8)}`)).body)).toEqual(expect.arrayContaining([ids.b, ids.a]));
    expect(idsOf((await list(`q=${buyer.username}`)).body)).toEqual([ids.b, ids.a]);
    expect(idsOf((await list(`q=${code.toLowerCase()}`)).body)).toEqual([ids.c, ids.b, ids.a]);
    expect(idsOf((await list(`q=${encodeURIComponent(product)}`)).body)).toEqual([ids.c, ids.b, ids.a]);
    expect(idsOf((await list(`q=${encodeURIComponent(product)}&status=unpaid`)).body)).toEqual([ids.a]);
    expect((await list("q=SR-ZZZZZZ")).body.orders).toEqual([]);
    expect((await list("q=100%25")).body.orders).toEqual([]);
  });

  it("by the e-mail an order was shipped to, in any case", async () => {
    const email = `${uid("finder")}@example.com`;
    await getDb().execute(`UPDATE orders SET ship_email = '${email}' WHERE id = '${ids.b}'`);
    expect(idsOf((await list(`q=${encodeURIComponent(email.toUpperCase())}`)).body)).toEqual([ids.b]);
    expect((await list(`q=${encodeURIComponent(`nobody-${email}`)}`)).body.orders).toEqual([]);
  });

  it("by date range: a day of UTC, inclusive, and nothing outside", async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(idsOf((await list(`q=${buyer.username}&from=${today}&to=${today}`)).body)).toEqual([ids.b, ids.a]);
    expect((await list(`q=${buyer.username}&to=2000-01-01`)).body.orders).toEqual([]);
    expect((await list(`q=${buyer.username}&from=2999-01-01`)).body.orders).toEqual([]);
  });

  it("opens an order with its lines' locations, customer, address, payment method and timeline; the shopper sees the tracking number", async () => {
    await payOrder(buyer.id, ids.a);
    const shipped = await ship(ids.a, { carrier: " DHL ", trackingNumber: "00340434161234567890" });
    expect(shipped.status).toBe(200);
    const res = await detail(ids.aNumber.toLowerCase());
    expect(res.status).toBe(200);
    const { order } = await res.json();
    expect(order).toMatchObject({
      orderId: ids.a,
      status: "shipped",
      payMethod: "online",
      carrier: "DHL",
      trackingNumber: "00340434161234567890",
      customer: { userId: buyer.id, username: buyer.username, ordersPlaced: 2 },
      address: { name: "Test Buyer", city: "Portland", region: "OR", country: "US" },
    });
    expect(order.lines[0].allocations).toEqual([expect.objectContaining({ count: 1 })]);
    expect(order.events.map((e: { status: string; by: { kind: string; username: string } }) => [e.status, e.by.kind, e.by.username])).toEqual([
      ["unpaid", "shopper", buyer.username],
      ["paid", "shopper", buyer.username],
      ["shipped", "admin", admin.username],
    ]);
    expect(order.events[2].note).toBe("DHL 00340434161234567890");
    const mine = await (await shopperOrderRoute(request(`/api/orders/${ids.a}`, { cookie: buyer.cookie }), ctx({ orderId: ids.a }))).json();
    expect(mine.order).toMatchObject({ carrier: "DHL", trackingNumber: "00340434161234567890" });
  });

  it("cancels an unpaid or cash-on-delivery order once, then answers 409 INVALID_TRANSITION", async () => {
    const first = await cancel(ids.b);
    expect(first.status).toBe(200);
    expect((await first.json()).order.status).toBe("cancelled");
    const again = await cancel(ids.b);
    const body = await again.json();
    expect([again.status, body.error.code, body.error.status]).toEqual([409, "INVALID_TRANSITION", "cancelled"]);
    const shippedOne = await cancel(ids.a);
    expect([shippedOne.status, (await shippedOne.json()).error.code]).toEqual([409, "INVALID_TRANSITION"]);
    const events = await getDb().select().from(orderEvents).where(eq(orderEvents.orderId, ids.b));
    expect(events.map((e) => [e.status, e.actorKind, e.actorId])).toEqual([
      ["awaiting_shipment", "shopper", buyer.id],
      ["cancelled", "admin", admin.id],
    ]);
  });
});

describe("paging", () => {
  it("never shows an order twice or skips one while 250 orders are created during the paging", async () => {
    const product = uid("Paged ");
    const [sku] = (await makeSkus([10_000], { product })) as [number];
    const buyers = await makeShoppers(25);
    const placeRound = () => Promise.all(buyers.map((b) => placeFor(b, sku, 1).then((o) => o.orderId)));
    const existing = [...(await placeRound()), ...(await placeRound()), ...(await placeRound())];
    expect(existing).toHaveLength(75);

    // 250 more orders, 25 at a time, each round racing one page fetch (7 at a time) for the first 10 pages.
    const created: string[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const [{ status, body }, made]: [{ status: number; body: { orders: { orderId: string }[]; nextCursor: string | null } }, string[]] = await Promise.all([
        list(`q=${encodeURIComponent(product)}&limit=7${cursor ? `&cursor=${cursor}` : ""}`),
        pages < 10 ? placeRound() : Promise.resolve([]),
      ]);
      created.push(...made);
      expect(status).toBe(200);
      seen.push(...body.orders.map((o: { orderId: string }) => o.orderId));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(created).toHaveLength(250);
    expect(pages).toBeGreaterThan(10);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen).toContain(id);
    // Newest first throughout.
    const rows = await getDb().select({ id: orders.id, createdAt: orders.createdAt }).from(orders).where(inArray(orders.id, seen));
    const at = new Map(rows.map((r) => [r.id, r.createdAt.getTime()]));
    for (let i = 1; i < seen.length; i++) expect(at.get(seen[i - 1]!)! >= at.get(seen[i]!)!).toBe(true);
  });
});

describe("bulk ship", () => {
  it("ships 100 selected orders, each on its own, and reports the 10 that could not move and why", async () => {
    const [sku] = (await makeSkus([1_000])) as [number];
    const buyers = await makeShoppers(100);
    const placed = await Promise.all(buyers.map((b, i) => placeFor(b, sku, 1, i % 10 === 0 ? "online" : "cod")));
    const ids = placed.map((o) => o.orderId);
    const unpaid = ids.filter((_, i) => i % 10 === 0);
    const res = await bulk({ orderIds: ids });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.shipped).toHaveLength(90);
    expect(report.refused).toHaveLength(10);
    expect(report.refused.map((r: { orderId: string }) => r.orderId).sort()).toEqual([...unpaid].sort());
    expect(new Set(report.refused.map((r: { code: string }) => r.code))).toEqual(new Set(["INVALID_TRANSITION"]));
    const now = await statuses(ids);
    for (const id of ids) expect(now.get(id)).toBe(unpaid.includes(id) ? "unpaid" : "shipped");
    const shippedEvents = await getDb().select().from(orderEvents).where(inArray(orderEvents.orderId, ids));
    expect(shippedEvents.filter((e) => e.status === "shipped")).toHaveLength(90);
    // Shipping them again moves nothing and says why for each.
    const again = await (await bulk({ orderIds: [ids[1], "SR-ZZZZZZ", ids[1]] })).json();
    expect(again).toMatchObject({ shipped: [], refused: [{ orderId: ids[1], code: "INVALID_TRANSITION" }, { orderId: "SR-ZZZZZZ", code: "ORDER_NOT_FOUND" }] });
  });
});
