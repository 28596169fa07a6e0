import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/db";
import { fillCart, makeShoppers, makeSkus, snapshotSkus, type Shopper } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { waitFor } from "../support/wait";
import { checkout, orderIdOf, type Answer } from "./client";
import { faultStack, invariantViolations, orderIds, stockAtStart, type FaultStack } from "./stack";
import { waitForExit } from "./services";

const HOT_STOCK = 30;

// The batched strategy is included because one of its transactions carries many orders at once.
describe.each(["conditional", "batched"])("server killed with SIGKILL while checkouts are in flight (%s)", (strategy) => {
  let stack: FaultStack;
  let shoppers: Shopper[];
  let hot: number;
  let warm: number;
  let start: Map<number, number>;

  beforeAll(async () => {
    stack = await faultStack({ serverEnv: { CHECKOUT_STRATEGY: strategy } });
    [hot, warm] = (await makeSkus([HOT_STOCK, 1000], { product: "Kill fault product" })) as [number, number];
    shoppers = await makeShoppers(80, { prefix: "killed" });
    // Most carts race for the hot SKU; two-line carts make half-written orders possible in principle.
    for (const [i, s] of shoppers.entries()) await fillCart(s, i % 4 === 3 ? [{ skuId: warm, count: 2 }] : [{ skuId: hot, count: 1 }, { skuId: warm, count: 1 + (i % 3) }]);
    start = await stockAtStart();
  }, 120_000);
  afterAll(() => stack?.stop());

  it("keeps every invariant after a restart, and retries with the same keys make at most one order each", async () => {
    const client = new HttpClient(stack.server.base, 32);
    const keys = shoppers.map(() => randomUUID());
    const answers: (Answer | undefined)[] = shoppers.map(() => undefined);
    const inFlight = shoppers.map(async (s, i) => (answers[i] = await checkout(client, s, keys[i])));
    await waitFor("the first orders", () => answers.filter((a) => a?.status === 201).length >= 3, 30_000, 5);
    stack.server.signal("SIGKILL");
    await Promise.all(inFlight);
    await waitForExit(stack.server.child!);
    client.close();
    const cut = answers.filter((a) => a!.status === 0).length;
    expect(cut).toBeGreaterThan(0);

    await stack.server.start();
    expect(await invariantViolations(start)).toEqual([]);
    const stored = await orderIds();
    for (const a of answers.filter((x) => x!.status === 201)) expect(stored.has(orderIdOf(a!)!)).toBe(true);

    // Every shopper whose answer was lost retries with the same key: the order it may already
    // have (200), a new one (201), or sold out (409).
    const retryClient = new HttpClient(stack.server.base, 16);
    const retried = await Promise.all(shoppers.map((s, i) => (answers[i]!.status === 0 ? checkout(retryClient, s, keys[i]) : Promise.resolve(answers[i]!))));
    retryClient.close();
    expect(retried.filter((a) => ![200, 201, 409].includes(a.status)).map((a) => ({ status: a.status, code: a.code, error: a.error }))).toEqual([]);

    const [perUser] = await getPool().query("SELECT user_id, COUNT(*) AS n FROM orders GROUP BY user_id HAVING n > 1");
    expect(perUser).toEqual([]);
    expect(await invariantViolations(start)).toEqual([]);
    const hotNow = (await snapshotSkus()).get(hot)!;
    expect(hotNow.sales).toBeLessThanOrEqual(HOT_STOCK);
    // After the retries every hot buyer either has an order or was told it sold out.
    const hotBuyers = shoppers.filter((_, i) => i % 4 !== 3).length;
    expect(retried.filter((a, i) => i % 4 !== 3 && a.status === 409).length).toBe(hotBuyers - hotNow.sales);
  });
});
