import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { readCart, userOwner } from "@/lib/cart/store";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { commitOrders } from "@/lib/orders/commit";
import { normalizeKey } from "@/lib/orders/idempotency";
import { checkoutSeams as seams } from "@/lib/orders/seams";
import { STOCK_STEPS } from "@/lib/orders/stock";
import { makeSkus, makeShopper, ordersOf, fillCart, setSaleFields, stockOf } from "./support/fixtures";

/*
 * Issue 38: a shopper's request times out, the client retries it with the same Idempotency-Key,
 * and the first try is still running on another app server. The retry looks the key up before
 * the first try commits (nothing yet), then its transaction waits on the row the first try
 * holds (the customer's, for a limit; the SKU's, for the last unit), the first try commits, and
 * the retry sees the limit reached or the stock gone, by the shopper's own order. It must answer
 * with that order (200, same id), never PURCHASE_LIMIT_REACHED or OUT_OF_STOCK. The cluster race
 * under a CPU hog (tests/cluster/faults.ts, fault b) met this with 3 of 150 shoppers.
 *
 * The first try runs as another server process would: commitOrders on its own (its answer is
 * what the client never got), held just before its COMMIT until the retry has done its lookups.
 */
afterEach(() => {
  seams.afterLookups = undefined;
  seams.beforeCommit = undefined;
});

/** Holds the first transaction that reaches its COMMIT until the next one has done its lookups. */
function firstTryCommitsAfterRetryLooksUp() {
  let atCommit!: () => void;
  let retryLookedUp!: () => void;
  const firstAtCommit = new Promise<void>((r) => (atCommit = r));
  const lookedUp = new Promise<void>((r) => (retryLookedUp = r));
  let transactions = 0;
  seams.afterLookups = () => {
    if (++transactions === 2) retryLookedUp();
  };
  seams.beforeCommit = async () => {
    seams.beforeCommit = undefined;
    atCommit();
    await lookedUp;
  };
  return firstAtCommit;
}

describe.each(CHECKOUT_STRATEGIES)("a retry that races its own first try (%s)", (strategy) => {
  async function race(skuStock: number, perCustomerLimit: number | null) {
    const [skuId] = await makeSkus([skuStock]);
    if (perCustomerLimit !== null) await setSaleFields(skuId!, { perCustomerLimit });
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const req = { userId: u.id, addressId: u.addressId, payMethod: "cod" as const, idempotencyKey: normalizeKey(`Retry-${randomUUID()}`) };
    const { revision } = await readCart(userOwner(u.id));

    const firstAtCommit = firstTryCommitsAfterRetryLooksUp();
    const firstTry = commitOrders([{ req, lines: [{ skuId: skuId!, count: 1 }], cartRevision: revision }], STOCK_STEPS[strategy]);
    await firstAtCommit;
    const retry = placeOrder(req, strategy).catch((e: unknown) => e);
    const [first, answer] = await Promise.all([firstTry, retry]);

    expect(first.verdicts[0]!.kind).toBe("created");
    const firstOrderId = first.verdicts[0]!.kind === "created" ? first.verdicts[0]!.order.header.id : "";
    if (answer instanceof AppError) expect.fail(`the retry was answered ${answer.code}: ${answer.message}`);
    expect(answer).toMatchObject({ created: false, order: { orderId: firstOrderId } });
    expect((await ordersOf([u.id])).map((o) => o.id)).toEqual([firstOrderId]);
    expect(await stockOf(skuId!)).toEqual({ stock: skuStock - 1, sales: 1 });
    // The replay finished the first try's cart cleanup.
    expect((await readCart(userOwner(u.id))).lines).toEqual([]);
  }

  it("gets its order back, not PURCHASE_LIMIT_REACHED, when the first try reaches a limit of 1", async () => {
    await race(10, 1);
  });

  it("gets its order back, not OUT_OF_STOCK, when the first try takes the last unit", async () => {
    await race(1, null);
  });
});
