import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb, getPool } from "@/db";
import { mailOutbox, orders, skuLocations, stockAlerts, users } from "@/db/schema";
import { POST as subscribeRoute } from "@/app/api/stock-alerts/route";
import { DELETE as unsubscribeRoute } from "@/app/api/stock-alerts/[token]/route";
import { GET as countsRoute } from "@/app/api/admin/stock-alerts/route";
import { adjustStock } from "@/lib/admin/stock";
import { updateLocation } from "@/lib/admin/locations";
import { notifyLimit } from "@/lib/alerts/restock";
import { SUBSCRIBE_LIMIT } from "@/lib/alerts/subscriptions";
import { alertToken } from "@/lib/alerts/token";
import type { RelayOptions } from "@/lib/mail/relay";
import { messageIdOf, smtpTransport } from "@/lib/mail/transport";
import { placeOrder } from "@/lib/orders/checkout";
import { cancelOrder } from "@/lib/orders/lifecycle";
import { PEER_ADDRESS_HEADER } from "@/lib/platform/peer-address.mjs";
import { ctx, fillCart, makeLocation, makeShopper, makeShoppers, makeSkus, noCtx, redis, request, spreadStock, stockOf, uid, type Shopper } from "./support/fixtures";
import { smtpTestPort, TestSmtp } from "./support/smtp";
import { drainOutbox } from "./support/outbox";

const smtp = new TestSmtp(smtpTestPort(3));
const transport = smtpTransport(smtp.url);
const fast: RelayOptions = { transport, baseDelayMs: 20, leaseMs: 5_000, batch: 100 };

let admin: Shopper;

const post = (body: unknown, init: { cookie?: string; ip?: string } = {}) =>
  subscribeRoute(
    request("/api/stock-alerts", { method: "POST", body, cookie: init.cookie, headers: init.ip ? { [PEER_ADDRESS_HEADER]: init.ip } : {} }),
    noCtx,
  );

/** Subscribes each e-mail in turn (so ids follow the list), straight through the route. */
async function subscribeAll(skuId: number, emails: string[]) {
  for (const email of emails) expect((await post({ skuId, email })).status).toBe(201);
}

const waiting = async (skuId: number) => (await getDb().select().from(stockAlerts).where(eq(stockAlerts.skuId, skuId)).orderBy(stockAlerts.id)).map((a) => a.email);
const notifiedRows = (skuId: number) => getDb().select().from(mailOutbox).where(eq(mailOutbox.skuId, skuId)).orderBy(mailOutbox.id);

/** The one location a fixture SKU keeps its units at. */
async function homeOf(skuId: number) {
  const [row] = await getDb().select({ locationId: skuLocations.locationId }).from(skuLocations).where(eq(skuLocations.skuId, skuId)).limit(1);
  return row!.locationId;
}

const addUnits = async (skuId: number, delta: number) => adjustStock({ skuId, delta, reason: "restock", adminId: admin.id, locationId: await homeOf(skuId) });

const drain = () => drainOutbox(fast);

beforeAll(async () => {
  await smtp.listen();
  admin = await makeShopper("admin");
});
afterAll(async () => {
  transport.close();
  await smtp.close();
});
beforeEach(async () => {
  smtp.reset();
  // This file owns the outbox of its database while it runs (files run one at a time), and the throttles.
  await getPool().query("DELETE FROM mail_outbox");
  const keys = await redis().keys("throttle:{stock-alert:*");
  if (keys.length > 0) await redis().del(...keys);
});

describe("POST /api/stock-alerts and DELETE /api/stock-alerts/:token", () => {
  it("answers 201, 200 when already subscribed, 409 NOT_SOLD_OUT, 404 SKU_NOT_FOUND, 400 VALIDATION", async () => {
    const [soldOut, inStock] = await makeSkus([0, 4]);
    const first = await post({ skuId: soldOut, email: " Ann@Example.com " });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ alert: { skuId: soldOut, email: "ann@example.com" } });
    expect((await post({ skuId: soldOut, email: "ann@example.com" })).status).toBe(200);
    expect(await waiting(soldOut!)).toEqual(["ann@example.com"]);

    const buyable = await post({ skuId: inStock, email: "ann@example.com" });
    expect(buyable.status).toBe(409);
    expect((await buyable.json()).error.code).toBe("NOT_SOLD_OUT");
    const unknown = await post({ skuId: 999_999_999, email: "ann@example.com" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("SKU_NOT_FOUND");
    // A draft's variant is invisible to shoppers: not found, not "sold out".
    await getPool().query("UPDATE skus SET product_active = 0 WHERE id = ?", [soldOut]);
    expect((await post({ skuId: soldOut, email: "bob@example.com" })).status).toBe(404);
    await getPool().query("UPDATE skus SET product_active = 1 WHERE id = ?", [soldOut]);

    for (const email of ["not-an-email", "a@b.c\r\nBcc: evil@example.com", "x".repeat(250) + "@e.com"]) {
      const bad = await post({ skuId: soldOut, email });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.code).toBe("VALIDATION");
    }
    // A guest must give an e-mail.
    const guest = await post({ skuId: soldOut });
    expect(guest.status).toBe(400);
    expect((await guest.json()).error.fieldErrors.email).toBeDefined();
    expect(await waiting(soldOut!)).toEqual(["ann@example.com"]);
  });

  it("a signed-in shopper may leave the e-mail out: their account's is used", async () => {
    const [skuId] = await makeSkus([0]);
    const shopper = await makeShopper();
    const email = `${shopper.username}@example.com`;
    // No e-mail on the account yet: they must type one.
    expect((await post({ skuId }, { cookie: shopper.cookie })).status).toBe(400);
    await getDb().update(users).set({ email }).where(eq(users.id, shopper.id));
    const res = await post({ skuId }, { cookie: shopper.cookie });
    expect(res.status).toBe(201);
    const [row] = await getDb().select().from(stockAlerts).where(eq(stockAlerts.skuId, skuId!));
    expect(row).toMatchObject({ email, userId: shopper.id });
  });

  it("limits subscriptions per client address and per e-mail (429 with Retry-After)", async () => {
    const skuIds = await makeSkus(Array.from({ length: SUBSCRIBE_LIMIT.address + 1 }, () => 0));
    for (let i = 0; i < SUBSCRIBE_LIMIT.address; i++) expect((await post({ skuId: skuIds[i], email: `p${i}@example.com` }, { ip: "203.0.113.9" })).status).toBe(201);
    const over = await post({ skuId: skuIds[SUBSCRIBE_LIMIT.address], email: "last@example.com" }, { ip: "203.0.113.9" });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toMatch(/^\d+$/);
    // Another address is not held back by this one.
    expect((await post({ skuId: skuIds[SUBSCRIBE_LIMIT.address], email: "last@example.com" }, { ip: "203.0.113.10" })).status).toBe(201);
    // One e-mail signed up to everything from many addresses.
    for (let i = 0; i < SUBSCRIBE_LIMIT.email; i++) expect((await post({ skuId: skuIds[i], email: "victim@example.com" }, { ip: `198.51.100.${i}` })).status).toBe(201);
    expect((await post({ skuId: skuIds[SUBSCRIBE_LIMIT.email], email: "victim@example.com" }, { ip: "198.51.100.200" })).status).toBe(429);
  });

  it("unsubscribes by the signed token; a forged token is 404 and a used one changes nothing", async () => {
    const [skuId] = await makeSkus([0]);
    await subscribeAll(skuId!, ["keep@example.com", "leave@example.com"]);
    const [keep, leave] = await getDb().select().from(stockAlerts).where(eq(stockAlerts.skuId, skuId!)).orderBy(stockAlerts.id);
    const del = (token: string) => unsubscribeRoute(request(`/api/stock-alerts/${token}`, { method: "DELETE" }), ctx({ token }));

    const token = alertToken(leave!.id);
    const [id, mac] = token.split(".");
    for (const forged of [`${keep!.id}.${mac}`, `${id}.${"A".repeat(43)}`, `${id}`, "garbage", `${id}.${mac}x`]) {
      const res = await del(forged);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("STOCK_ALERT_NOT_FOUND");
    }
    expect(await waiting(skuId!)).toEqual(["keep@example.com", "leave@example.com"]);

    expect((await del(token)).status).toBe(204);
    expect(await waiting(skuId!)).toEqual(["keep@example.com"]);
    // Subscribed again: a new row the old link cannot reach.
    await subscribeAll(skuId!, ["leave@example.com"]);
    expect((await del(token)).status).toBe(204);
    expect(await waiting(skuId!)).toEqual(["keep@example.com", "leave@example.com"]);
  });

  it("GET /api/admin/stock-alerts: waiting and notified per variant, admins only", async () => {
    const [skuId] = await makeSkus([0]);
    await subscribeAll(skuId!, Array.from({ length: 12 }, (_, i) => `c${i}@example.com`));
    const get = (cookie: string, q = `?skuId=${skuId}`) => countsRoute(request(`/api/admin/stock-alerts${q}`, { cookie }), noCtx);
    expect((await get((await makeShopper()).cookie)).status).toBe(403);
    expect(await (await get(admin.cookie)).json()).toEqual({ alerts: [{ skuId, waiting: 12, notified: 0 }] });
    await addUnits(skuId!, 1);
    expect(await (await get(admin.cookie)).json()).toEqual({ alerts: [{ skuId, waiting: 0, notified: 12 }] });
    expect((await get(admin.cookie, "?skuId=999999999")).status).toBe(404);
    expect((await get(admin.cookie, "?skuId=abc")).status).toBe(400);
    const all = (await (await get(admin.cookie, "")).json()).alerts as { skuId: number }[];
    expect(all.find((a) => a.skuId === skuId)).toEqual({ skuId, waiting: 0, notified: 12 });
  });
});

describe("a restock notifies the first max(N, 10) x BACK_IN_STOCK_FACTOR subscribers, once each", () => {
  it("200 subscribers: a restock of 2 units e-mails exactly the first 30, a second restock the next 30", async () => {
    const [skuId] = await makeSkus([0], { product: uid("Alert Lamp ") });
    const emails = Array.from({ length: 200 }, (_, i) => `sub${String(i).padStart(3, "0")}@example.com`);
    await subscribeAll(skuId!, emails);
    expect(notifyLimit(2)).toBe(30);

    await addUnits(skuId!, 2);
    expect((await notifiedRows(skuId!)).map((r) => r.recipient)).toEqual(emails.slice(0, 30));
    expect(await waiting(skuId!)).toEqual(emails.slice(30));
    // More units while some are in stock is not a restock from 0: nobody more is woken.
    await addUnits(skuId!, 5);
    expect(await notifiedRows(skuId!)).toHaveLength(30);

    await drain();
    expect(smtp.received.map((m) => m.rcptTo[0])).toEqual(expect.arrayContaining(emails.slice(0, 30)));
    expect(smtp.received).toHaveLength(30);
    expect(smtp.distinctMessageIds()).toBe(30);
    const rows = await notifiedRows(skuId!);
    expect(rows.every((r) => r.state === "sent")).toBe(true);
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(rows.map((r) => messageIdOf(r.id)).sort());

    // The e-mail: both parts name the variant and link the product page and the signed unsubscribe page.
    const [spu] = (await getPool().query("SELECT spu_id FROM skus WHERE id = ?", [skuId]))[0] as { spu_id: number }[];
    const mail = smtp.received.find((m) => m.messageId === messageIdOf(rows[0]!.id))!.mail;
    expect(mail.subject).toMatch(/^Back in stock: Alert Lamp \w+ — Variant 1$/);
    const productUrl = `http://localhost:3000/products/${spu!.spu_id}`;
    const unsubscribeUrl = `http://localhost:3000/stock-alerts/${alertToken(rows[0]!.alertId!)}`;
    for (const part of [mail.html as string, mail.text!]) {
      expect(part).toContain(productUrl);
      expect(part).toContain(unsubscribeUrl);
    }

    // Sold out again, then 2 more units: the next 30, in order.
    await addUnits(skuId!, -7);
    await addUnits(skuId!, 2);
    expect((await notifiedRows(skuId!)).map((r) => r.recipient)).toEqual(emails.slice(0, 60));
    expect(await waiting(skuId!)).toEqual(emails.slice(60));
    // A big restock wakes up to N x 3.
    await addUnits(skuId!, -2);
    await addUnits(skuId!, 40);
    expect(await notifiedRows(skuId!)).toHaveLength(180);
    expect(await waiting(skuId!)).toEqual(emails.slice(180));
  });

  it("units coming back from a cancelled order, or a location turned active again, are a restock too", async () => {
    const [skuId] = await makeSkus([1]);
    const buyer = await makeShopper();
    await fillCart(buyer, [{ skuId: skuId!, count: 1 }]);
    const { order } = await placeOrder({ userId: buyer.id, addressId: buyer.addressId, payMethod: "online", idempotencyKey: uid("key-") });
    await subscribeAll(skuId!, ["back@example.com"]);
    await cancelOrder(buyer.id, order.orderId);
    expect((await notifiedRows(skuId!)).map((r) => r.recipient)).toEqual(["back@example.com"]);

    const [other] = await makeSkus([0]);
    const shelf = await makeLocation(50, { active: false });
    await spreadStock(other!, [{ locationId: shelf, stock: 3 }]);
    expect((await stockOf(other!)).stock).toBe(0);
    await subscribeAll(other!, ["shelf@example.com"]);
    await updateLocation(shelf, { active: true });
    expect((await notifiedRows(other!)).map((r) => r.recipient)).toEqual(["shelf@example.com"]);
    await updateLocation(shelf, { active: false });
  });

  it("a restock racing checkouts and a cancel: stock conserved, nobody notified twice", async () => {
    const [skuId] = await makeSkus([4]);
    const holders = await makeShoppers(4);
    const held: string[] = [];
    for (const h of holders) {
      await fillCart(h, [{ skuId: skuId!, count: 1 }]);
      held.push((await placeOrder({ userId: h.id, addressId: h.addressId, payMethod: "online", idempotencyKey: uid("key-") })).order.orderId);
    }
    expect((await stockOf(skuId!)).stock).toBe(0);
    const emails = Array.from({ length: 100 }, (_, i) => `race${i}@example.com`);
    await subscribeAll(skuId!, emails);
    const buyers = await makeShoppers(12);
    await Promise.all(buyers.map((b) => fillCart(b, [{ skuId: skuId!, count: 1 }])));

    const outcomes = await Promise.allSettled([
      addUnits(skuId!, 3),
      cancelOrder(holders[0]!.id, held[0]!),
      cancelOrder(holders[1]!.id, held[1]!),
      ...buyers.map((b) => placeOrder({ userId: b.id, addressId: b.addressId, payMethod: "online", idempotencyKey: uid("key-") })),
    ]);
    expect(outcomes.slice(0, 3).every((o) => o.status === "fulfilled")).toBe(true);

    // Stock conserved: 4 + 3 units, each in stock or in exactly one live order.
    const live = await getDb().select({ id: orders.id, total: orders.totalCount }).from(orders).where(inArray(orders.userId, [...holders, ...buyers].map((u) => u.id)));
    const [rows] = await getPool().query("SELECT COALESCE(SUM(total_count), 0) AS n FROM orders WHERE user_id IN (?) AND status <> 'cancelled'", [[...holders, ...buyers].map((u) => u.id)]);
    expect(live.length).toBeGreaterThanOrEqual(4);
    expect((await stockOf(skuId!)).stock + Number((rows as { n: number }[])[0]!.n)).toBe(7);

    // Each restock from 0 woke at most its 30; nobody twice; nobody lost.
    const notified = (await notifiedRows(skuId!)).map((r) => r.recipient);
    expect(new Set(notified).size).toBe(notified.length);
    expect(notified.length % 30).toBe(0);
    expect(notified.length).toBeGreaterThanOrEqual(30);
    expect(notified.length).toBeLessThanOrEqual(90);
    expect(notified).toEqual(emails.slice(0, notified.length));
    expect(await waiting(skuId!)).toEqual(emails.slice(notified.length));

    await drain();
    // The orders' own e-mails (placed, cancelled) went out too; the alerts are the rows' Message-IDs.
    const alertIds = new Set((await notifiedRows(skuId!)).map((r) => messageIdOf(r.id)));
    const alerts = smtp.received.filter((m) => alertIds.has(m.messageId));
    expect(alerts).toHaveLength(notified.length);
    expect(new Set(alerts.map((m) => m.rcptTo[0])).size).toBe(notified.length);
  });

  it("a product name with CR/LF cannot add a header or a recipient", async () => {
    const [skuId] = await makeSkus([0]);
    await getPool().query("UPDATE skus SET name = ? WHERE id = ?", ["Red\r\nBcc: evil@example.com\r\nX-Evil: 1", skuId]);
    await subscribeAll(skuId!, ["victim@example.com"]);
    await addUnits(skuId!, 1);
    await drain();
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.rcptTo).toEqual(["victim@example.com"]);
    expect(got.mail.headers.has("bcc")).toBe(false);
    expect(got.mail.headers.has("x-evil")).toBe(false);
    expect(got.mail.subject).not.toMatch(/[\r\n]/);
  });
});
