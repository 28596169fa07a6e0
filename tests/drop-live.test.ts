import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as dropLiveRoute } from "@/app/api/admin/drops/[skuId]/live/route";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import type { DropLive } from "@/lib/drops/live";
import { ALL_OUTCOMES, noOutcomes, type Outcomes } from "@/lib/drops/live-series";
import { placeFromProcesses, type BuyerOrder } from "./support/buyer-processes";
import { ctx, fillCart, makeShopper, makeShoppers, makeSkus, request, stockOf, type Shopper } from "./support/fixtures";

const setSku = (skuId: number, change: Partial<typeof skus.$inferInsert>) => getDb().update(skus).set(change).where(eq(skus.id, skuId));

let admin: Shopper;
beforeAll(async () => {
  admin = await makeShopper("admin");
});

async function live(skuId: number, since?: number, cookie = admin.cookie) {
  const url = `/api/admin/drops/${skuId}/live${since === undefined ? "" : `?since=${since}`}`;
  return dropLiveRoute(request(url, { cookie }), ctx({ skuId: String(skuId) }));
}

const order = (u: Shopper): BuyerOrder => ({ userId: u.id, addressId: u.addressId, key: randomUUID() });

/** Both server processes at once, half the shoppers each; their answers ("OK" or a code), all together. */
async function fromTwoProcesses(shoppers: Shopper[]) {
  const half = Math.ceil(shoppers.length / 2);
  return (await placeFromProcesses([shoppers.slice(0, half).map(order), shoppers.slice(half).map(order)], "batched")).flat();
}

/** The processes' answers as the view names them. */
function tally(answers: string[]): Outcomes {
  const t = noOutcomes();
  for (const a of answers) t[a === "OK" ? "created" : (a as keyof Outcomes)] += 1;
  return t;
}

const sumSeconds = (body: DropLive) =>
  body.seconds.reduce(
    (acc, s) => {
      acc.units += s.units;
      for (const o of ALL_OUTCOMES) acc.outcomes[o] += s.outcomes[o];
      return acc;
    },
    { units: 0, outcomes: noOutcomes() },
  );

describe("the drop view's live series", () => {
  it("counts a scripted drop from two server processes exactly: early, sold, over the limit, sold out", { timeout: 180_000 }, async () => {
    const startSecond = Math.floor(Date.now() / 1000);
    const [skuId, otherSku] = (await makeSkus([7, 10])) as [number, number];
    await setSku(skuId, { perCustomerLimit: 2, saleStartsAt: new Date(Date.now() + 60 * 60_000) });
    const [early, buyers, late] = [await makeShoppers(3), await makeShoppers(3), await makeShoppers(4)] as [Shopper[], Shopper[], Shopper[]];

    // Before the launch: 3 shoppers are told it is not on sale yet.
    for (const u of early) await fillCart(u, [{ skuId, count: 1 }]);
    const answers = await fromTwoProcesses(early);
    expect(answers).toEqual(Array(3).fill("SALE_NOT_STARTED"));

    // Launch. 3 shoppers buy 2 each (one of them with another SKU in the same cart): 6 of 7 units.
    const launchedAt = Date.now() - 1_000;
    await setSku(skuId, { saleStartsAt: new Date(launchedAt) });
    for (const u of buyers) await fillCart(u, [{ skuId, count: 2 }]);
    await fillCart(buyers[0]!, [
      { skuId, count: 2 },
      { skuId: otherSku, count: 1 },
    ]);
    const bought = await fromTwoProcesses(buyers);
    expect(bought).toEqual(Array(3).fill("OK"));
    answers.push(...bought);

    // The same 3 want one more: over the limit of 2, though 1 unit is left.
    for (const u of buyers) await fillCart(u, [{ skuId, count: 1 }]);
    const overLimit = await fromTwoProcesses(buyers);
    expect(overLimit).toEqual(Array(3).fill("PURCHASE_LIMIT_REACHED"));
    answers.push(...overLimit);

    // 4 newcomers race for the last unit: 1 wins, 3 are told it sold out.
    for (const u of late) await fillCart(u, [{ skuId, count: 1 }]);
    const race = await fromTwoProcesses(late);
    expect(race.filter((a) => a === "OK")).toHaveLength(1);
    expect(race.filter((a) => a !== "OK")).toEqual(Array(3).fill("OUT_OF_STOCK"));
    answers.push(...race);
    expect(await stockOf(skuId)).toEqual({ stock: 0, sales: 7 });

    // Each buyer process waits for its counts to reach Redis before it exits: they are all there now.
    const res = await live(skuId, startSecond);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as DropLive;

    const expected = tally(answers);
    expect(expected).toMatchObject({ created: 4, SALE_NOT_STARTED: 3, PURCHASE_LIMIT_REACHED: 3, OUT_OF_STOCK: 3, BUSY: 0, CART_ALREADY_ORDERED: 0 });
    expect(sumSeconds(body)).toEqual({ units: 7, outcomes: expected });
    expect(body.totals).toEqual({ units: 7, orders: 4, outcomes: expected });

    // Every second from the start to now, none missing; the stock line falls from 7 to 0.
    expect(body.seconds.map((s) => s.t)).toEqual(Array.from({ length: body.seconds.length }, (_, i) => startSecond + i));
    expect(body.seconds[0]!.stockLeft).toBe(7);
    expect(body.seconds.at(-1)!.stockLeft).toBe(0);
    // Every counted second has its latency, from a histogram every process adds to.
    for (const s of body.seconds.filter((s) => Object.values(s.outcomes).some((n) => n > 0))) {
      expect(s.p50Ms).toBeGreaterThan(0);
      expect(s.p99Ms).toBeGreaterThanOrEqual(s.p50Ms!);
    }

    expect(body.sku).toMatchObject({ skuId, stock: 0, sales: 7, perCustomerLimit: 2, saleStartsAt: new Date(launchedAt).toISOString() });
    expect(body.soldOut).not.toBeNull();
    expect(body.soldOut!.from).toBe("launch");
    expect(body.soldOut!.at).toBe(body.lastSaleAt);
    expect(body.soldOut!.afterMs).toBe(body.lastSaleAt! - launchedAt);
    expect(body.firstSaleAt).toBeGreaterThanOrEqual(launchedAt);

    // The two-SKU cart counts once on each of its SKUs.
    const other = (await (await live(otherSku, startSecond)).json()) as DropLive;
    expect(other.totals).toEqual({ units: 1, orders: 1, outcomes: { ...noOutcomes(), created: 1 } });
    expect(other.soldOut).toBeNull();
  });

  it("answers only the seconds from `since`, and at most the window", async () => {
    const [skuId] = (await makeSkus([3])) as [number];
    const now = Math.floor(Date.now() / 1000);
    const recent = (await (await live(skuId, now - 2)).json()) as DropLive;
    expect(recent.seconds[0]!.t).toBe(now - 2);
    expect(recent.seconds.length).toBeGreaterThanOrEqual(3);
    const all = (await (await live(skuId)).json()) as DropLive;
    expect(all.seconds).toHaveLength(180);
    expect(all.totals).toEqual({ units: 0, orders: 0, outcomes: noOutcomes() });
    expect(all.soldOut).toBeNull();
  });

  it("is for admins only, and says which SKU or query it refuses", async () => {
    const [skuId] = (await makeSkus([3])) as [number];
    const shopper = await makeShopper();
    const anonymous = await dropLiveRoute(request(`/api/admin/drops/${skuId}/live`), ctx({ skuId: String(skuId) }));
    expect(anonymous.status).toBe(401);
    const asShopper = await live(skuId, undefined, shopper.cookie);
    expect(asShopper.status).toBe(403);
    expect((await asShopper.json()).error.code).toBe("FORBIDDEN");
    const missing = await dropLiveRoute(request(`/api/admin/drops/999999999/live`, { cookie: admin.cookie }), ctx({ skuId: "999999999" }));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("SKU_NOT_FOUND");
    const badSince = await dropLiveRoute(request(`/api/admin/drops/${skuId}/live?since=yesterday`, { cookie: admin.cookie }), ctx({ skuId: String(skuId) }));
    expect(badSince.status).toBe(400);
    expect((await badSince.json()).error.code).toBe("VALIDATION");
  });
});
