import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb, getPool } from "@/db";
import { mailOutbox, orders } from "@/db/schema";
import { relayOnce, startRelay, stopRelay, NO_SMTP_INTERVAL_MS, NO_SMTP_NOTE, type RelayOptions } from "@/lib/mail/relay";
import { messageIdOf, smtpTransport } from "@/lib/mail/transport";
import { formatMoney, toCents } from "@/lib/money";
import { placeOrder } from "@/lib/orders/checkout";
import { cancelOrder, expireOrder, payOrder, shipOrder } from "@/lib/orders/lifecycle";
import { placeGuestOrder } from "@/lib/orders/guests";
import { formatOrderNumber } from "@/lib/orders/number";
import { cartKeys, guestOwner } from "@/lib/cart/store";
import { newGuestId } from "@/lib/cart/guest";
import { fillCart, linesOf, makeShopper, makeSkus, redis, uid, type Shopper } from "./support/fixtures";
import { smtpTestPort, TestSmtp } from "./support/smtp";
import { drainOutbox } from "./support/outbox";

const smtp = new TestSmtp(smtpTestPort(0));
const transport = smtpTransport(smtp.url);
const fast: RelayOptions = { transport, baseDelayMs: 20, leaseMs: 5_000 };

async function placeFor(user: Shopper, skuId: number, count = 1, payMethod: "online" | "cod" = "online") {
  await fillCart(user, [{ skuId, count }]);
  const { order } = await placeOrder({ userId: user.id, addressId: user.addressId, payMethod, idempotencyKey: uid("key-") });
  return order.orderId;
}

const outbox = () => getDb().select().from(mailOutbox).orderBy(mailOutbox.id);

/** Relay passes until nothing is pending or sending (or the time is up). */
const drain = (options: RelayOptions = fast) => drainOutbox(options);

beforeAll(() => smtp.listen());
afterAll(async () => {
  transport.close();
  await smtp.close();
});
beforeEach(async () => {
  smtp.reset();
  // This file owns the outbox of its database while it runs (files run one at a time).
  await getPool().query("DELETE FROM mail_outbox");
});

describe("order e-mails through a real SMTP server", () => {
  it("sends exactly one e-mail per event, with the order's number, lines, totals and link in both parts", async () => {
    const [skuId] = await makeSkus([100]);
    const [a, b, c] = await Promise.all([makeShopper(), makeShopper(), makeShopper()]);
    const paid = await placeFor(a!, skuId!, 2);
    const cancelled = await placeFor(b!, skuId!, 1, "cod");
    const expired = await placeFor(c!, skuId!, 3);
    await payOrder(a!.id, paid);
    await shipOrder(paid);
    await cancelOrder(b!.id, cancelled);
    expect(await expireOrder(expired, { now: new Date(Date.now() + 3_600_000) })).toBe(true);
    // Moves that lose change nothing and queue nothing.
    await payOrder(a!.id, paid);
    await cancelOrder(b!.id, cancelled);

    await drain();
    const rows = await outbox();
    const kinds = (orderId: string) => rows.filter((r) => r.orderId === orderId).map((r) => r.kind);
    expect(kinds(paid)).toEqual(["order_created", "order_paid", "order_shipped"]);
    expect(kinds(cancelled)).toEqual(["order_created", "order_cancelled"]);
    expect(kinds(expired)).toEqual(["order_created", "order_expired"]);
    expect(rows.every((r) => r.state === "sent" && r.sentAt !== null && r.recipient === "buyer@example.com")).toBe(true);
    expect(smtp.received).toHaveLength(rows.length);
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(rows.map((r) => messageIdOf(r.id)).sort());

    const headers = await getDb().select().from(orders).where(inArray(orders.id, [paid, cancelled, expired]));
    const lines = await linesOf([paid, cancelled, expired]);
    for (const row of rows) {
      const got = smtp.received.find((m) => m.messageId === messageIdOf(row.id))!;
      const order = headers.find((o) => o.id === row.orderId)!;
      const number = formatOrderNumber(order.orderNumber);
      const line = lines.find((l) => l.orderId === order.id)!;
      const html = String(got.mail.html);
      const text = got.mail.text ?? "";
      expect(got.mail.subject).toContain(number);
      expect(got.rcptTo).toEqual(["buyer@example.com"]);
      for (const part of [html, text]) {
        expect(part).toContain(number);
        expect(part).toContain(line.name);
        expect(part).toContain(formatMoney(toCents(line.price) * line.count));
        expect(part).toContain(formatMoney(order.totalAmount));
        expect(part).toContain(`http://localhost:3000/orders/${order.id}`);
      }
    }
    const subjects = smtp.received.map((m) => m.mail.subject ?? "");
    expect(subjects.filter((s) => s.includes("shipped"))).toHaveLength(1);
    expect(subjects.filter((s) => s.includes("expired"))).toHaveLength(1);
  });

  it("a commit that queues e-mails wakes this process's relay at once, not at its next poll", async () => {
    const [skuId] = await makeSkus([10]);
    const shopper = await makeShopper();
    // A poll a minute away: only the checkout's nudge can send this confirmation within the test.
    expect(startRelay(60_000, fast)).toBe(true);
    try {
      const placedAt = Date.now();
      const orderId = await placeFor(shopper, skuId!, 1, "cod");
      await expect.poll(() => smtp.received.length, { timeout: 5_000, interval: 20 }).toBe(1);
      expect(smtp.received[0]!.at - placedAt).toBeLessThan(5_000);
      await shipOrder(orderId);
      await expect.poll(() => smtp.received.map((m) => m.mail.subject ?? ""), { timeout: 5_000, interval: 20 }).toEqual([expect.stringContaining("is placed"), expect.stringContaining("has shipped")]);
      // The relay marks a pass's rows once the server has answered them all: a moment after the e-mail lands.
      await expect.poll(async () => (await outbox()).map((r) => r.state), { timeout: 5_000, interval: 20 }).toEqual(["sent", "sent"]);
    } finally {
      stopRelay();
    }
  });

  it("the shipped e-mail carries the carrier and tracking number the ship recorded, in both parts", async () => {
    const [skuId] = await makeSkus([10]);
    const shopper = await makeShopper();
    const tracked = await placeFor(shopper, skuId!, 1, "cod");
    const untracked = await placeFor(shopper, skuId!, 1, "cod");
    await shipOrder(tracked, { carrier: "DHL", trackingNumber: "00340434161094027318" });
    await shipOrder(untracked);
    await drain();
    const shipped = (await outbox()).filter((r) => r.kind === "order_shipped");
    expect(shipped.map((r) => r.orderId)).toEqual([tracked, untracked]);
    const mailOf = (orderId: string) => smtp.received.find((m) => m.messageId === messageIdOf(shipped.find((r) => r.orderId === orderId)!.id))!.mail;
    for (const part of [String(mailOf(tracked).html), mailOf(tracked).text ?? ""]) {
      expect(part).toContain("Carrier: DHL");
      expect(part).toContain("Tracking number: 00340434161094027318");
    }
    for (const part of [String(mailOf(untracked).html), mailOf(untracked).text ?? ""]) expect(part).not.toContain("Tracking number");
  });

  it("keeps e-mails pending with a note without SMTP, and sends them once SMTP is configured", async () => {
    const [skuId] = await makeSkus([10]);
    const orderId = await placeFor(await makeShopper(), skuId!);
    await relayOnce({ ...fast, transport: null });
    const [waiting] = await outbox();
    expect({ state: waiting!.state, note: waiting!.lastError, attempts: waiting!.attempts }).toEqual({ state: "pending", note: NO_SMTP_NOTE, attempts: 0 });
    // A later pass notes only what was queued since the last one, and misses none of it.
    const laterId = await placeFor(await makeShopper(), skuId!);
    await relayOnce({ ...fast, transport: null });
    expect((await outbox()).map((r) => [r.orderId, r.state, r.lastError])).toEqual([
      [orderId, "pending", NO_SMTP_NOTE],
      [laterId, "pending", NO_SMTP_NOTE],
    ]);
    expect(smtp.received).toHaveLength(0);
    await drain();
    const sent = await outbox();
    expect(sent.map((r) => [r.orderId, r.state, r.lastError])).toEqual([
      [orderId, "sent", null],
      [laterId, "sent", null],
    ]);
    expect(smtp.received).toHaveLength(2);
  });

  it("without SMTP the relay loop notes once a minute, not every poll (each note reads its whole window)", async () => {
    const [skuId] = await makeSkus([10]);
    await placeFor(await makeShopper(), skuId!);
    const noted = async () => (await outbox()).map((r) => r.lastError);
    expect(NO_SMTP_INTERVAL_MS).toBe(60_000);
    // A 50 ms poll: with SMTP a dozen passes would run in the wait below; without, none is due yet.
    expect(startRelay(50, { ...fast, transport: null })).toBe(true);
    try {
      await new Promise((r) => setTimeout(r, 600));
      expect(await noted()).toEqual([null]);
    } finally {
      stopRelay();
    }
    await relayOnce({ ...fast, transport: null });
    expect(await noted()).toEqual([NO_SMTP_NOTE]);
  });

  it("retries with backoff while the server refuses, then delivers each e-mail once", async () => {
    const [skuId] = await makeSkus([50]);
    const shoppers = await Promise.all(Array.from({ length: 5 }, () => makeShopper()));
    for (const s of shoppers) await placeFor(s, skuId!);
    smtp.refuse = 12;
    await relayOnce(fast);
    const afterFirst = await outbox();
    expect(afterFirst.every((r) => r.state === "pending" && r.attempts === 1 && /421/.test(r.lastError ?? ""))).toBe(true);
    expect(afterFirst.every((r) => r.nextAttemptAt.getTime() > r.createdAt.getTime())).toBe(true);
    await drain();
    const rows = await outbox();
    expect(rows.every((r) => r.state === "sent")).toBe(true);
    // Each refusal costs an attempt (nodemailer's pool may spend several on one attempt's connection).
    expect(rows.every((r) => r.attempts >= 2)).toBe(true);
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBeLessThanOrEqual(12 + 5);
    expect(smtp.received).toHaveLength(5);
    expect(smtp.distinctMessageIds()).toBe(5);
  });

  it("gives up after the last attempt, or at once on a 5xx, into failed with the reason", async () => {
    const [skuId] = await makeSkus([10]);
    await placeFor(await makeShopper(), skuId!);
    smtp.refuse = 1000;
    await drain({ ...fast, maxAttempts: 3 });
    const [refused] = await outbox();
    expect({ state: refused!.state, attempts: refused!.attempts }).toEqual({ state: "failed", attempts: 3 });
    expect(refused!.lastError).toMatch(/421/);

    await getPool().query("DELETE FROM mail_outbox");
    smtp.reset();
    smtp.reject = true;
    await placeFor(await makeShopper(), skuId!);
    await drain({ ...fast, maxAttempts: 3 });
    const [rejected] = await outbox();
    expect({ state: rejected!.state, attempts: rejected!.attempts }).toEqual({ state: "failed", attempts: 1 });
    expect(rejected!.lastError).toMatch(/550/);
    expect(smtp.received).toHaveLength(0);
  });

  it("a connection cut after DATA: the retry carries the same Message-ID, so distinct Message-IDs = outbox rows", async () => {
    const [skuId] = await makeSkus([50]);
    const shoppers = await Promise.all(Array.from({ length: 6 }, () => makeShopper()));
    for (const s of shoppers) await placeFor(s, skuId!);
    smtp.dropAfterData = 3;
    await drain();
    const rows = await outbox();
    expect(rows.every((r) => r.state === "sent")).toBe(true);
    // The three cut deliveries arrived and were sent again: at-least-once at SMTP, once per Message-ID.
    expect(smtp.received).toHaveLength(6 + 3);
    expect(smtp.distinctMessageIds()).toBe(rows.length);
    expect(new Set(smtp.received.map((r) => r.messageId))).toEqual(new Set(rows.map((r) => messageIdOf(r.id))));
  });

  it("a relay that dies between the server's answer and the mark: another relay takes the row when its lease ends, same Message-ID", async () => {
    const [skuId] = await makeSkus([10]);
    await placeFor(await makeShopper(), skuId!);
    await placeFor(await makeShopper(), skuId!);
    // This relay's sends reach the server and then it "dies": its marks never happen.
    const dying = { ...transport, sendMail: (mail: object) => transport.sendMail(mail).then(() => new Promise<never>(() => {})) } as typeof transport;
    void relayOnce({ ...fast, transport: dying, leaseMs: 400 });
    await expect.poll(() => smtp.received.length, { timeout: 5_000 }).toBe(2);
    expect((await outbox()).every((r) => r.state === "sending")).toBe(true);
    // Inside the lease nobody else touches the rows.
    expect(await relayOnce(fast)).toMatchObject({ claimed: 0 });
    await new Promise((r) => setTimeout(r, 450));
    await drain();
    const rows = await outbox();
    expect(rows.map((r) => ({ state: r.state, attempts: r.attempts }))).toEqual([{ state: "sent", attempts: 2 }, { state: "sent", attempts: 2 }]);
    expect(smtp.distinctMessageIds()).toBe(2);
    expect(smtp.received).toHaveLength(4);
  });

  it("two relays at once: each row is claimed and sent by one of them", async () => {
    const [skuId] = await makeSkus([100]);
    const shoppers = await Promise.all(Array.from({ length: 40 }, () => makeShopper()));
    await Promise.all(shoppers.map((s) => placeFor(s, skuId!)));
    const results = await Promise.all([relayOnce({ ...fast, batch: 100 }), relayOnce({ ...fast, batch: 100 }), relayOnce({ ...fast, batch: 100 })]);
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(40);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(40);
    expect(smtp.received).toHaveLength(40);
    expect(smtp.distinctMessageIds()).toBe(40);
    expect((await outbox()).every((r) => r.state === "sent" && r.attempts === 1)).toBe(true);
  });

  it("a name with CR/LF cannot add a header or a recipient", async () => {
    const [skuId] = await makeSkus([10]);
    const orderId = await placeFor(await makeShopper(), skuId!);
    await getDb().update(orders).set({ shipName: "Eve\r\nBcc: thief@example.com\r\nX-Evil: 1" }).where(eq(orders.id, orderId));
    await drain();
    const [got] = smtp.received;
    expect(got!.rcptTo).toEqual(["buyer@example.com"]);
    expect(got!.mail.headers.has("bcc")).toBe(false);
    expect(got!.mail.headers.has("x-evil")).toBe(false);
    expect(got!.mail.to).toMatchObject({ value: [{ address: "buyer@example.com" }] });
  });

  it("a guest's confirmation goes to the e-mail it typed and links with the order's signed token", async () => {
    const [skuId] = await makeSkus([5]);
    const guestId = newGuestId();
    const k = cartKeys(guestOwner(guestId));
    await redis().multi().hset(k.items, String(skuId), "1").sadd(k.selected, String(skuId)).exec();
    const address = { name: "Gia Guest", phone: "+44 20 7946 0000", line1: "10 Downing Street", line2: "", city: "London", region: "", postcode: "SW1A 2AA", country: "GB" as const };
    const { order, orderUrl } = await placeGuestOrder(guestId, { email: "gia@example.com", address, payMethod: "online", idempotencyKey: uid("key-") });
    await drain();
    const [got] = smtp.received;
    expect(got!.rcptTo).toEqual(["gia@example.com"]);
    expect(got!.mail.subject).toBe(`Your order ${order.orderNumber} is placed`);
    const link = new URL(orderUrl, "http://localhost:3000").toString();
    expect(String(got!.mail.html)).toContain(link.replace(/&/g, "&amp;"));
    expect(got!.mail.text).toContain(link);
  });

  it("an order without a snapshot e-mail queues nothing", async () => {
    const [skuId] = await makeSkus([10]);
    const shopper = await makeShopper();
    const orderId = await placeFor(shopper, skuId!, 1, "cod");
    await getPool().query("DELETE FROM mail_outbox");
    await getDb().update(orders).set({ shipEmail: "" }).where(eq(orders.id, orderId));
    await cancelOrder(shopper.id, orderId);
    expect(await outbox()).toEqual([]);
  });
});
