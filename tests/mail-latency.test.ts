import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb, getPool } from "@/db";
import { mailOutbox } from "@/db/schema";
import { relayOnce, startRelay, stopRelay } from "@/lib/mail/relay";
import { messageIdOf, smtpTransport } from "@/lib/mail/transport";
import { placeOrder } from "@/lib/orders/checkout";
import { fillCart, makeShoppers, makeSkus, uid } from "./support/fixtures";
import { smtpTestPort, TestSmtp } from "./support/smtp";

const smtp = new TestSmtp(smtpTestPort(1), false);
const transport = smtpTransport(smtp.url);
const ORDERS = 300;

beforeAll(async () => {
  await smtp.listen();
  await getPool().query("DELETE FROM mail_outbox");
});
afterAll(async () => {
  stopRelay();
  transport.close();
  await smtp.close();
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

it(`a ${ORDERS}-order drop: every confirmation reaches the SMTP server once, within seconds of its order`, async () => {
  const [skuId] = await makeSkus([ORDERS]);
  const shoppers = await makeShoppers(ORDERS);
  await Promise.all(shoppers.map((s) => fillCart(s, [{ skuId: skuId!, count: 1 }])));
  // The relay as every server process runs it (its default cadence), while the drop happens.
  expect(startRelay(500, { transport })).toBe(true);
  // "After the order": from the moment the shopper has the answer (placeOrder returned).
  const answered = new Map<string, number>();
  await Promise.all(
    shoppers.map(async (s) => {
      const { order } = await placeOrder({ userId: s.id, addressId: s.addressId, payMethod: "online", idempotencyKey: uid("key-") });
      answered.set(order.orderId, Date.now());
    }),
  );
  await expect.poll(() => smtp.received.length, { timeout: 60_000, interval: 100 }).toBe(ORDERS);

  const rows = await getDb().select({ id: mailOutbox.id, orderId: mailOutbox.orderId }).from(mailOutbox);
  expect(rows).toHaveLength(ORDERS);
  const arrived = new Map(smtp.received.map((r) => [r.messageId, r.at]));
  expect(arrived.size).toBe(ORDERS);
  const latencies = rows.map((r) => Math.max(0, arrived.get(messageIdOf(r.id))! - answered.get(r.orderId!)!)).sort((a, b) => a - b);
  const figure = { orders: ORDERS, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) };
  console.log(`confirmation e-mail latency (placeOrder answered -> SMTP server has it), ms: ${JSON.stringify(figure)}`);
  // The target is 2 s (p99) on a quiet machine. The figure is printed, not asserted: on a shared
  // box the tail is this one process's CPU (the 300 checkouts, and React Email's render, ~5 ms of
  // CPU per e-mail), not the relay; docs/benchmarks.md keeps the measured figures.
});

it(`the relay alone drains ${ORDERS} waiting e-mails: its throughput and CPU per e-mail (the figure a quiet machine's latency follows)`, async () => {
  stopRelay();
  smtp.reset();
  // Copies of the drop's confirmations, due now: the relay's work without the checkouts beside it.
  await getPool().query("INSERT INTO mail_outbox (kind, order_id, recipient) SELECT kind, order_id, recipient FROM mail_outbox WHERE state = 'sent'");
  const cpu = process.cpuUsage();
  const started = performance.now();
  while (smtp.received.length < ORDERS && performance.now() - started < 120_000) if ((await relayOnce({ transport, batch: 50 })).claimed === 0) await new Promise((r) => setTimeout(r, 10));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  expect(smtp.distinctMessageIds()).toBe(ORDERS);
  const figure = { emails: ORDERS, wallMs: Math.round(ms), perSecond: Math.round((ORDERS / ms) * 1000), cpuMsPerEmail: Number(((used.user + used.system) / 1000 / ORDERS).toFixed(1)) };
  console.log(`relay drain (claim, render, send over the pool, mark), this process alone: ${JSON.stringify(figure)}`);
});
