import { vi } from "vitest";

// Before any import reads the configuration: two batches at once (the default is one per process).
vi.hoisted(() => {
  process.env.CHECKOUT_BATCHES_IN_FLIGHT = "2";
});

import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { batchesInFlight, placeOrder } from "@/lib/orders/checkout";
import { checkoutSeams } from "@/lib/orders/seams";
import { env } from "@/lib/platform/env";
import { whenIdle } from "@/lib/platform/shutdown";
import { fillCart, linesOf, makeShoppers, makeSkus, ordersOf, snapshotSkus, type Shopper } from "./support/fixtures";
import { waitFor } from "./support/wait";

// Batched checkout with several batches in flight (CHECKOUT_BATCHES_IN_FLIGHT, set to 2 above):
// each its own transaction, rows locked in one order, one customer never in two at once.
const buy = (u: Shopper, idempotencyKey: string = randomUUID()) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey }, "batched");
const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === "fulfilled" ? "OK" : r.reason instanceof AppError ? r.reason.code : `THROWN ${String(r.reason)}`);

afterEach(async () => {
  checkoutSeams.afterLookups = undefined;
  checkoutSeams.beforeCommit = undefined;
  checkoutSeams.readCart = undefined;
  await whenIdle(10_000);
});

/** Units sold per SKU as the order lines say, to hold against the rows' sales and stock. */
async function soldPerSku(userIds: number[]) {
  const lines = await linesOf((await ordersOf(userIds)).map((o) => o.id));
  const sold = new Map<number, number>();
  for (const l of lines) sold.set(l.skuId, (sold.get(l.skuId) ?? 0) + l.count);
  return sold;
}

describe("batches in flight", () => {
  it("runs with more than one batch in flight", () => {
    expect(env().CHECKOUT_BATCHES_IN_FLIGHT).toBeGreaterThan(1);
  });

  it("overlaps two batches on the same SKUs: the second waits for the first's row locks, nothing oversold", async () => {
    const [a, b] = await makeSkus([3, 3]);
    const [first, second, third] = await makeShoppers(3);
    for (const u of [first!, second!, third!]) await fillCart(u, [{ skuId: a!, count: 1 }, { skuId: b!, count: 1 }]);
    // Hold the first batch inside its transaction, after it took the units, until the second is in flight too.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered = false;
    checkoutSeams.beforeCommit = () => {
      checkoutSeams.beforeCommit = undefined;
      entered = true;
      return held;
    };
    const one = buy(first!);
    await waitFor("the first batch to hold its locks", () => entered, 10_000, 5);
    const others = Promise.allSettled([buy(second!), buy(third!)]);
    await waitFor("a second batch in flight", () => batchesInFlight() === 2, 10_000, 5);
    release();
    const codes = [codeOf((await Promise.allSettled([one]))[0]!), ...(await others).map(codeOf)];
    expect(codes).toEqual(["OK", "OK", "OK"]);
    const rows = await snapshotSkus([a!, b!]);
    expect(rows.get(a!)).toEqual({ stock: 0, sales: 3 });
    expect(rows.get(b!)).toEqual({ stock: 0, sales: 3 });
  });

  it("takes two SKUs bought in opposite orders in concurrent batches without a deadlock surfacing, conserved", async () => {
    const start = 40;
    const [a, b] = await makeSkus([start, start]);
    const shoppers = await makeShoppers(120);
    // Half the carts list a then b, half b then a; every shopper wants 1 of each.
    for (const [i, u] of shoppers.entries()) {
      const lines = [{ skuId: a!, count: 1 }, { skuId: b!, count: 1 }];
      await fillCart(u, i % 2 === 0 ? lines : lines.reverse());
    }
    const results = await Promise.allSettled(shoppers.map((u) => buy(u)));
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c !== "OK" && c !== "OUT_OF_STOCK")).toEqual([]);
    expect(codes.filter((c) => c === "OK")).toHaveLength(start);
    const rows = await snapshotSkus([a!, b!]);
    const sold = await soldPerSku(shoppers.map((u) => u.id));
    for (const id of [a!, b!]) {
      expect(rows.get(id)).toEqual({ stock: 0, sales: start });
      expect(sold.get(id)).toBe(start);
    }
  });

  it("keeps a per-customer limit exact when one customer's checkouts race with others' across batches", async () => {
    const [skuId] = await makeSkus([100]);
    await getDb().update(skus).set({ perCustomerLimit: 1 }).where(eq(skus.id, skuId!));
    const [greedy, ...crowd] = await makeShoppers(20);
    // Every cart read is a new cart of one unit, so only the limit can stop the second order of greedy.
    checkoutSeams.readCart = async () => ({ lines: [{ skuId: skuId!, count: 1, selected: true }], revision: randomUUID().replaceAll("-", "") });
    const results = await Promise.allSettled([...Array.from({ length: 10 }, () => buy(greedy!)), ...crowd.map((u) => buy(u))]);
    const greedyCodes = results.slice(0, 10).map(codeOf);
    expect(greedyCodes.filter((c) => c === "OK")).toHaveLength(1);
    expect(greedyCodes.filter((c) => c !== "OK" && c !== "PURCHASE_LIMIT_REACHED" && c !== "BUSY")).toEqual([]);
    expect(results.slice(10).map(codeOf)).toEqual(crowd.map(() => "OK"));
    expect(await ordersOf([greedy!.id])).toHaveLength(1);
    expect((await snapshotSkus([skuId!])).get(skuId!)).toEqual({ stock: 80, sales: 20 });
  });

  it("makes one order of one cart submitted many times at once with different keys", async () => {
    const [skuId] = await makeSkus([50]);
    const [u, ...crowd] = await makeShoppers(16);
    for (const s of [u!, ...crowd]) await fillCart(s, [{ skuId: skuId!, count: 2 }]);
    const results = await Promise.allSettled([...Array.from({ length: 8 }, () => buy(u!)), ...crowd.map((s) => buy(s))]);
    const own = results.slice(0, 8).map(codeOf);
    expect(own.filter((c) => c === "OK")).toHaveLength(1);
    expect(own.filter((c) => c !== "OK" && c !== "CART_ALREADY_ORDERED" && c !== "EMPTY_CART")).toEqual([]);
    expect(await ordersOf([u!.id])).toHaveLength(1);
    expect((await snapshotSkus([skuId!])).get(skuId!)).toEqual({ stock: 50 - 32, sales: 32 });
  });
});
