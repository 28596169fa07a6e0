import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { placeOrder, queuedForBatch } from "@/lib/orders/checkout";
import { checkoutSeams as seams } from "@/lib/orders/seams";
import { checkoutMetricsFrom, metricsSince } from "./support/prometheus";
import { metrics } from "@/lib/platform/metrics/registry";
import { clearSoldOut, knownSoldOut } from "@/lib/orders/soldout";
import { whenIdle } from "@/lib/platform/shutdown";
import { placeFromProcesses } from "./support/buyer-processes";
import { holdEveryBatch } from "./support/held-batches";
import { linesOf, restock, makeSkus, makeShopper, makeShoppers, ordersOf, fillCart, stockOf, type Shopper } from "./support/fixtures";

// Each test sets the seams it needs inside the commit's transaction.
beforeEach(() => {
  seams.afterLookups = undefined;
  seams.beforeCommit = undefined;
});

const buy = (u: Shopper, idempotencyKey: string = randomUUID()) =>
  placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "online", idempotencyKey }, "batched");
const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === "fulfilled" ? "OK" : r.reason instanceof AppError ? r.reason.code : `THROWN ${String(r.reason)}`;
/** Until the sold-out hints a batch writes after answering are written. */
const settled = () => whenIdle(10_000);

/** The checkout counters this process's registry gained since the call (as the bench reads them). */
async function countFrom() {
  const read = async () => checkoutMetricsFrom(await metrics().registry.metrics());
  const before = await read();
  return async () => metricsSince(before, await read());
}

describe("batched checkout", () => {
  it("keeps 500 mixed orders over 5 scarce SKUs whole, conserved and never negative", async () => {
    const start = [40, 25, 60, 10, 30];
    const ids = await makeSkus([...start]);
    const buyers = await makeShoppers(500);
    const carts: [number, number][][] = [];
    for (const [i, u] of buyers.entries()) {
      const n = 1 + (i % 3);
      const lines: [number, number][] = [];
      for (let k = 0; k < n; k++) lines.push([ids[(i + k * 2) % 5]!, 1 + ((i + k) % 2)]);
      carts.push(lines);
      await fillCart(u, lines.map(([skuId, count]) => ({ skuId, count })));
    }
    const counted = await countFrom();
    const results = await Promise.allSettled(buyers.map((u) => buy(u)));
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c !== "OK" && c !== "OUT_OF_STOCK")).toEqual([]);
    expect((await counted()).batches).toBeLessThan(500); // orders really were combined

    const made = await ordersOf(buyers.map((u) => u.id));
    expect(made).toHaveLength(codes.filter((c) => c === "OK").length);
    const lines = await linesOf(made.map((o) => o.id));
    for (const o of made) {
      const own = lines.filter((l) => l.orderId === o.id);
      expect(own.length).toBeGreaterThan(0);
      expect(own.reduce((n, l) => n + l.count, 0)).toBe(o.totalCount);
    }
    const rows = await getDb().select().from(skus).where(inArray(skus.id, ids));
    for (const [i, id] of ids.entries()) {
      const row = rows.find((r) => r.id === id)!;
      const sold = lines.filter((l) => l.skuId === id).reduce((n, l) => n + l.count, 0);
      expect(row.stock + row.sales).toBe(start[i]);
      expect(row.sales).toBe(sold);
    }
    // Nobody was refused who could have been served: stock only went down, so an order refused
    // earlier would still fit now. Demand is ~9x the stock, so most of it must have sold.
    const left = new Map(rows.map((r) => [r.id, r.stock]));
    const wronglyRefused = carts.filter((cart, i) => codes[i] === "OUT_OF_STOCK" && cart.every(([skuId, n]) => left.get(skuId)! >= n));
    expect(wronglyRefused).toEqual([]);
    expect(rows.reduce((n, r) => n + r.sales, 0)).toBeGreaterThan(start.reduce((a, b) => a + b) * 0.8);
  });

  it("writes one order for the same idempotency key twice in one batch", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const finishFirst = await holdEveryBatch();
    const counted = await countFrom();
    const key = randomUUID();
    const twins = [buy(u, key), buy(u, key)];
    // Both reach the queue behind the held batches.
    await expect.poll(() => queuedForBatch(), { timeout: 10_000 }).toBe(2);
    await finishFirst();
    const [a, b] = (await Promise.all(twins)) as [Awaited<(typeof twins)[0]>, Awaited<(typeof twins)[1]>];
    expect((await counted()).batchSizes?.["2-4"]).toBe(1);
    expect(a.order.orderId).toBe(b.order.orderId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await ordersOf([u.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });
  });

  it("treats keys that differ only in case as one key, as the unique index does", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const finishFirst = await holdEveryBatch();
    const twins = [buy(u, "Order-Key-abc"), buy(u, "ORDER-KEY-ABC")];
    await expect.poll(() => queuedForBatch(), { timeout: 10_000 }).toBe(2);
    await finishFirst();
    const results = await Promise.allSettled(twins);
    expect(results.map(codeOf)).toEqual(["OK", "OK"]);
    expect(await ordersOf([u.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });
  });

  it("answers with the key's order when another process wrote it after the batch's lookup", async () => {
    const [skuId] = await makeSkus([10]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const key = randomUUID();
    // Another server process commits an order with this key between our lookup and our INSERT.
    let theirs: string | undefined;
    seams.afterLookups = async () => {
      seams.afterLookups = undefined;
      const elsewhere = await placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "online", idempotencyKey: key }, "conditional");
      theirs = elsewhere.order.orderId;
    };
    const counted = await countFrom();
    const ours = await buy(u, key);
    expect(theirs).toBeDefined();
    expect(ours).toMatchObject({ created: false, order: { orderId: theirs } });
    expect((await counted()).txRetries).toBe(1); // the duplicate rolled the batch back once
    expect(await ordersOf([u.id])).toHaveLength(1);
    expect(await stockOf(skuId!)).toEqual({ stock: 9, sales: 1 });
  });

  it("names only the hinted lines when a sold-out hint refuses a cart", async () => {
    const [gone, plenty] = await makeSkus([1, 50]);
    const [first, second] = await Promise.all([makeShopper(), makeShopper()]);
    await fillCart(first, [{ skuId: gone!, count: 1 }]);
    await buy(first);
    await settled();
    await fillCart(second, [{ skuId: gone!, count: 1 }, { skuId: plenty!, count: 2 }]);
    const counted = await countFrom();
    const err = await buy(second).catch((e: unknown) => e);
    expect((await counted()).batches).toBe(0);
    expect(err).toMatchObject({ code: "OUT_OF_STOCK", details: { lines: [{ skuId: gone, requested: 1, available: 0 }] } });
    expect((err as AppError).message).toMatch(/^Product \w+ — Variant 1 sold out\. It was taken out of this order\.$/);
    expect(await stockOf(plenty!)).toEqual({ stock: 50, sales: 0 });
  });

  it("still gives a retried request its order when the SKU is hinted sold out", async () => {
    const [skuId] = await makeSkus([1]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const key = randomUUID();
    const first = await buy(u, key);
    await settled();
    expect([...(await knownSoldOut([skuId!])).keys()]).toEqual([skuId]);
    // The shopper puts the SKU back in the cart; the retry of the first request must not be told "sold out".
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    await expect(buy(u, key)).resolves.toMatchObject({ created: false, order: { orderId: first.order.orderId } });
    // A new request for it is refused by the hint.
    await expect(buy(u)).rejects.toMatchObject({ code: "OUT_OF_STOCK" });
    expect(await ordersOf([u.id])).toHaveLength(1);
  });

  it("retries a batch that hits a deadlock and creates each order once", async () => {
    const [skuId] = await makeSkus([100]);
    const buyers = await makeShoppers(20);
    for (const u of buyers) await fillCart(u, [{ skuId: skuId!, count: 2 }]);
    let injected = 0;
    seams.beforeCommit = (attempt) => {
      if (attempt === 1 && injected < 3) {
        injected++;
        throw Object.assign(new Error("Deadlock found when trying to get lock"), { errno: 1213 });
      }
    };
    const counted = await countFrom();
    const results = await Promise.allSettled(buyers.map((u) => buy(u)));
    expect(results.map(codeOf)).toEqual(Array(20).fill("OK"));
    expect(injected).toBeGreaterThan(0);
    expect((await counted()).txRetries).toBe(injected);
    expect(await ordersOf(buyers.map((u) => u.id))).toHaveLength(20);
    expect(await stockOf(skuId!)).toEqual({ stock: 60, sales: 40 });
  });

  it("refuses a sold-out SKU without a transaction until stock comes back", async () => {
    const [skuId] = await makeSkus([2]);
    const buyers = await makeShoppers(6);
    for (const u of buyers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    await Promise.allSettled(buyers.slice(0, 3).map((u) => buy(u)));
    await settled(); // the hint is written after the batch has answered
    expect([...(await knownSoldOut([skuId!])).keys()]).toEqual([skuId]);

    const counted = await countFrom();
    const err = await buy(buyers[3]!).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "OUT_OF_STOCK", details: { lines: [{ skuId, requested: 1, available: 0 }] } });
    expect((await counted()).batches).toBe(0);

    // A restock commits, then clears the hint: the next buyer gets in.
    await restock(skuId!, 1);
    await clearSoldOut([skuId!]);
    await expect(buy(buyers[4]!)).resolves.toMatchObject({ created: true });
  });

  it("stays correct with two server processes batching against one database", { timeout: 180_000 }, async () => {
    const [skuId] = await makeSkus([30]);
    const buyers = await makeShoppers(80);
    for (const u of buyers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const asOrders = (us: Shopper[]) => us.map((u) => ({ userId: u.id, addressId: u.addressId, key: randomUUID() }));
    const outcomes = (await placeFromProcesses([asOrders(buyers.slice(0, 40)), asOrders(buyers.slice(40))], "batched")).flat();
    expect(outcomes.filter((o) => o !== "OK" && o !== "OUT_OF_STOCK")).toEqual([]);
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(30);
    expect(outcomes.filter((o) => o === "OUT_OF_STOCK")).toHaveLength(50);
    expect(await stockOf(skuId!)).toEqual({ stock: 0, sales: 30 });
    expect(await ordersOf(buyers.map((u) => u.id))).toHaveLength(30);
  });
});
