/**
 * The fault races' shoppers (tests/cluster/faults.ts): clients that behave like real ones, the
 * same Idempotency-Key again after a 503, a network error or a timeout, with backoff, until they
 * get a final answer. Every try is recorded with its times: the history tests/cluster/history.ts
 * checks.
 */
import { randomBytes } from "node:crypto";
import type { Shopper } from "../support/fixtures";
import type { HttpClient } from "../support/http";
import { sleep } from "../support/wait";

/** A client gives up on one try after this long and tries again with the same key. */
export const TRY_TIMEOUT_MS = 10_000;
/** ...and keeps trying for this long in all before it gives up. */
export const PATIENCE_MS = 120_000;

export type Try = { start: number; end: number; status: number; code: string };
export type Buyer = Shopper & { repeat: boolean };
/** One answer: its status (0 for a network error or a timeout), a code to report, the order it names. */
export type Final = { status: number; code: string; orderId?: string };
/** `key` is empty for a cart change (no order can come of it). */
export type Purchase = { buyer: Buyer; key: string; tries: Try[]; final?: Final; start: number; end: number };

export const isFinal = (status: number) => status === 200 || status === 201 || status === 409 || status === 429 || (status >= 400 && status < 500);

/**
 * What a real client does: the same request again after a 503, a network error or a timeout,
 * with backoff, until a final answer or PATIENCE_MS.
 */
async function untilFinal(buyer: Buyer, key: string, t0: number, send: () => Promise<Final>): Promise<Purchase> {
  const p: Purchase = { buyer, key, tries: [], start: performance.now() - t0, end: 0 };
  for (let n = 0; performance.now() - t0 - p.start < PATIENCE_MS; n++) {
    const start = performance.now() - t0;
    const answer = await send().catch(
      (e: NodeJS.ErrnoException): Final => ({ status: 0, code: /timed out/.test(e.message) ? "timeout" : `network ${e.code ?? e.message}` }),
    );
    p.tries.push({ start, end: performance.now() - t0, status: answer.status, code: answer.code });
    if (isFinal(answer.status)) {
      p.final = answer;
      break;
    }
    await sleep(Math.min(200 * 2 ** n, 2_000) * (0.5 + Math.random()));
  }
  p.end = performance.now() - t0;
  return p;
}

/** One shopper's checkout as a real client makes it: the same key until a final answer. */
export function purchase(front: HttpClient, buyer: Buyer, t0: number): Promise<Purchase> {
  const key = randomBytes(12).toString("hex");
  return untilFinal(buyer, key, t0, async () => {
    const res = await front.json<{ order?: { orderId: string }; error?: { code: string } }>(
      "POST",
      "/api/orders",
      { addressId: buyer.addressId, payMethod: "cod" },
      { cookie: buyer.cookie, "idempotency-key": key },
    );
    return { status: res.status, code: res.data?.error?.code ?? (res.data?.order ? "order" : "?"), orderId: res.data?.order?.orderId };
  });
}

/**
 * Adds a unit to the shopper's cart through the front, as a shopper would, mid-failover if need
 * be. Its answer is the second purchase's when the cart already refuses it (a 409: the limit).
 */
export function addToCart(front: HttpClient, buyer: Buyer, skuId: number, t0: number): Promise<Purchase> {
  return untilFinal(buyer, "", t0, async () => {
    const res = await front.json<{ error?: { code: string } }>("POST", "/api/cart/items", { skuId, count: 1 }, { cookie: buyer.cookie });
    return { status: res.status, code: res.data?.error?.code ?? "added" };
  });
}

/**
 * What the shoppers saw of the service: the p99 wait from first try to final answer; the longest
 * stretch from the fault on with no answer at all (shoppers arrive steadily until the last one,
 * so a healthy shop answers all along), until the last arrival; and the time from the first
 * failed try to the next final answer.
 */
export function serviceOf(purchases: Purchase[], faultAt: number, lastArrival: number) {
  const answers = purchases.flatMap((p) => (p.final ? [p.tries.at(-1)!.end] : [])).sort((x, y) => x - y);
  const failed = purchases.flatMap((p) => p.tries).filter((t) => !isFinal(t.status));
  const firstFail = failed.length ? Math.min(...failed.map((t) => t.end)) : undefined;
  const firstServed = firstFail === undefined ? undefined : answers.find((t) => t > firstFail);
  const later = answers.filter((t) => t > faultAt);
  const end = later.findIndex((t) => t > lastArrival);
  const window = [faultAt, ...(end === -1 ? later : later.slice(0, end + 1))];
  let silence = 0;
  for (let i = 1; i < window.length; i++) silence = Math.max(silence, window[i]! - window[i - 1]!);
  const waits = purchases.filter((p) => p.final).map((p) => p.end - p.start).sort((x, y) => x - y);
  const p99 = waits[Math.min(waits.length - 1, Math.floor(waits.length * 0.99))] ?? 0;
  return { p99, silence, recovery: firstServed === undefined || firstFail === undefined ? undefined : firstServed - firstFail };
}
