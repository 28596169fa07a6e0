import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb, getPool } from "@/db";
import { mailOutbox } from "@/db/schema";
import { relayOnce } from "@/lib/mail/relay";
import { messageIdOf, smtpTransport } from "@/lib/mail/transport";
import { placeOrder } from "@/lib/orders/checkout";
import { fillCart, makeShoppers, makeSkus, uid } from "./support/fixtures";
import { smtpTestPort, TestSmtp } from "./support/smtp";
import { drainOutbox } from "./support/outbox";

/**
 * The relay SIGKILLed in a process of its own: between the SMTP server's 250 and the row's mark,
 * and at an arbitrary moment of a running loop. Another relay takes over when the lease ends.
 * Nothing lost, nothing twice: the distinct Message-IDs the server received are exactly the
 * outbox rows (a row answered but never marked goes again with its same Message-ID, the
 * receiver's key to drop the repeat; docs/architecture.md).
 */

const smtp = new TestSmtp(smtpTestPort(4));
const transport = smtpTransport(smtp.url);
/** Longer than a pass over 30 rows takes on a loaded machine, so "inside the lease" below holds. */
const LEASE_MS = 5_000;
const script = path.join(import.meta.dirname, "support/relay-process.ts");
const serverOnlyStub = path.join(import.meta.dirname, "support/no-server-only.mjs");
let child: ChildProcess | undefined;

/** A relay process; resolves with it once it prints a line matching `ready`. */
function relayProcess(args: string[], ready: RegExp, leaseMs = LEASE_MS): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "--import", serverOnlyStub, script, ...args], {
    env: { ...process.env, SMTP_URL: smtp.url, LEASE_MS: String(leaseMs), LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += String(d);
      const line = out.split("\n").find((l) => ready.test(l));
      if (line) resolve({ proc, line });
    });
    proc.stderr!.on("data", (d: Buffer) => (err += String(d)));
    proc.on("exit", (code) => reject(new Error(`relay process exited (${code}) before ${ready}: ${out}\n${err}`)));
  });
}

function sigkill(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.removeAllListeners("exit");
    proc.on("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}

async function placeOrders(n: number) {
  const [skuId] = await makeSkus([n]);
  const shoppers = await makeShoppers(n);
  await Promise.all(shoppers.map((s) => fillCart(s, [{ skuId: skuId!, count: 1 }])));
  await Promise.all(shoppers.map((s) => placeOrder({ userId: s.id, addressId: s.addressId, payMethod: "cod", idempotencyKey: uid("key-") })));
}

const outbox = () => getDb().select().from(mailOutbox).orderBy(mailOutbox.id);

const drain = () => drainOutbox({ transport, leaseMs: 10_000, baseDelayMs: 20, batch: 500 }, { timeoutMs: 30_000, pauseMs: 50 });

beforeAll(() => smtp.listen());
afterAll(async () => {
  transport.close();
  await smtp.close();
});
beforeEach(async () => {
  smtp.reset();
  await getPool().query("DELETE FROM mail_outbox");
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

describe("the relay SIGKILLed in its own process", () => {
  it("between the server's answer and the mark: the row goes again with the same Message-ID, none lost", async () => {
    await placeOrders(30);
    const { proc, line } = await relayProcess(["hang", "10"], /^ANSWERED /);
    const answeredId = line.slice("ANSWERED ".length).trim();
    // The server has it, and its row is still claimed and unmarked when the process dies.
    expect(smtp.received.some((m) => m.messageId === answeredId)).toBe(true);
    await sigkill(proc);
    const atKill = await outbox();
    const unmarked = atKill.filter((r) => r.state === "sending");
    expect(unmarked.map((r) => messageIdOf(r.id))).toContain(answeredId);
    // Rows answered earlier may or may not have had their marks land before the kill; the dead relay left work either way.
    expect(atKill.filter((r) => r.state === "sent").length).toBeLessThan(30);

    // Inside the dead relay's lease nobody takes its rows; after it, another relay does.
    expect(await relayOnce({ transport, leaseMs: 10_000 })).toMatchObject({ claimed: 0 });
    const leaseEnds = Math.max(...unmarked.map((r) => r.claimedUntil!.getTime()));
    await new Promise((r) => setTimeout(r, Math.max(0, leaseEnds - Date.now()) + 200));
    await drain();

    const rows = await outbox();
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.state === "sent")).toBe(true);
    const distinct = new Set(smtp.received.map((m) => m.messageId));
    expect(distinct.size).toBe(rows.length);
    expect([...distinct].sort()).toEqual(rows.map((r) => messageIdOf(r.id)).sort());
    // The only repeats are rows the server had answered when the relay died; each at most once more.
    const repeats = smtp.received.length - distinct.size;
    expect(repeats).toBeLessThanOrEqual(unmarked.length);
    console.log(`relay SIGKILLed after the 250: ${rows.length} rows, ${smtp.received.length} deliveries, ${distinct.size} distinct Message-IDs, ${repeats} repeated (same Message-ID), 0 lost`);
  });

  it("a running relay loop killed mid-drop, then another process relays: distinct Message-IDs = outbox rows", async () => {
    await placeOrders(150);
    // Kill it as soon as the server has taken in 40 messages, whatever the relay is doing then.
    const first = await relayProcess(["loop"], /^READY/, 1_500);
    await expect.poll(() => smtp.received.length, { timeout: 30_000, interval: 5 }).toBeGreaterThanOrEqual(40);
    await sigkill(first.proc);
    const atKill = smtp.received.length;
    expect((await outbox()).some((r) => r.state !== "sent")).toBe(true);

    const second = await relayProcess(["loop"], /^READY/, 1_500);
    await expect.poll(async () => (await outbox()).every((r) => r.state === "sent"), { timeout: 60_000, interval: 100 }).toBe(true);
    await sigkill(second.proc);

    const rows = await outbox();
    expect(rows).toHaveLength(150);
    const distinct = new Set(smtp.received.map((m) => m.messageId));
    expect(distinct.size).toBe(rows.length);
    expect([...distinct].sort()).toEqual(rows.map((r) => messageIdOf(r.id)).sort());
    console.log(
      `relay loop SIGKILLed at ${atKill} messages: ${rows.length} rows, ${smtp.received.length} deliveries, ${distinct.size} distinct Message-IDs, ${smtp.received.length - distinct.size} repeated, 0 lost`,
    );
  });
});
