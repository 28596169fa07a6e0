import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listAdjustmentsRoute, POST as adjustRoute } from "@/app/api/admin/stock/[skuId]/adjustments/route";
import { getDb } from "@/db";
import { stockAdjustments } from "@/db/schema";
import { MAX_STOCK } from "@/lib/admin/stock";
import { placeOrder } from "@/lib/orders/checkout";
import { ctx, makeSkus, makeShopper, ordersOf, fillCart, request, stockOf } from "./support/fixtures";

const adjust = (skuId: number, cookie: string, body: unknown) =>
  adjustRoute(request(`/api/admin/stock/${skuId}/adjustments`, { method: "POST", cookie, body }), ctx({ skuId: String(skuId) }));

const ledgerOf = (skuId: number) => getDb().select().from(stockAdjustments).where(eq(stockAdjustments.skuId, skuId));

describe("stock adjustments racing a sale", () => {
  it("30 checkouts and 10 restocks of +3 on one SKU: stock = start + 30 - sold, and the ledger explains every unit", async () => {
    const START = 10;
    const PER_ORDER = 2;
    const [skuId] = (await makeSkus([START])) as [number];
    const admin = await makeShopper("admin");
    const shoppers = await Promise.all(Array.from({ length: 30 }, () => makeShopper()));
    for (const s of shoppers) await fillCart(s, [{ skuId: skuId, count: PER_ORDER }]);

    // 60 units wanted, at most 40 ever available: some buyers must lose, whoever is first.
    const checkouts = shoppers.map((s) => placeOrder({ userId: s.id, addressId: s.addressId, payMethod: "cod", idempotencyKey: randomUUID() }));
    const restocks = Array.from({ length: 10 }, (_, i) => adjust(skuId, admin.cookie, { delta: 3, reason: `delivery ${i + 1}` }));
    const [sold, restocked] = await Promise.all([Promise.allSettled(checkouts), Promise.all(restocks)]);

    for (const r of restocked) expect(r.status).toBe(201);
    for (const r of sold.filter((r) => r.status === "rejected")) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "OUT_OF_STOCK" });
    const orders = await ordersOf(shoppers.map((s) => s.id));
    const unitsSold = orders.reduce((n, o) => n + o.totalCount, 0);
    expect(orders).toHaveLength(sold.filter((r) => r.status === "fulfilled").length);
    expect(unitsSold).toBeGreaterThanOrEqual(START);
    expect(unitsSold).toBeLessThanOrEqual(START + 10 * 3);

    const { stock, sales } = await stockOf(skuId);
    expect(stock).toBe(START + 10 * 3 - unitsSold);
    expect(sales).toBe(unitsSold);

    const ledger = await ledgerOf(skuId);
    expect(ledger).toHaveLength(10);
    expect(ledger.every((a) => a.delta === 3 && a.adminId === admin.id && a.stockAfter >= 3)).toBe(true);
    const sumOfDeltas = ledger.reduce((n, a) => n + a.delta, 0);
    expect(START + sumOfDeltas - unitsSold).toBe(stock);
  });

  it("refuses a correction that would take stock below zero, and leaves no ledger row", async () => {
    const [skuId] = (await makeSkus([4])) as [number];
    const admin = await makeShopper("admin");

    const refused = await adjust(skuId, admin.cookie, { delta: -5, reason: "count was wrong" });
    expect(refused.status).toBe(409);
    const body = await refused.json();
    expect(body.error.code).toBe("STOCK_WOULD_GO_NEGATIVE");
    expect(body.error.message).toMatch(/Only 4 of .* in stock/);
    expect((await stockOf(skuId)).stock).toBe(4);
    expect(await ledgerOf(skuId)).toHaveLength(0);

    // Down to exactly zero is allowed.
    const toZero = await adjust(skuId, admin.cookie, { delta: -4, reason: "all damaged" });
    expect(toZero.status).toBe(201);
    expect(await toZero.json()).toMatchObject({ stock: 0, adjustment: { skuId, delta: -4, stockAfter: 0, reason: "all damaged", adminId: admin.id, admin: admin.username } });
    expect((await stockOf(skuId)).stock).toBe(0);
    expect(await ledgerOf(skuId)).toHaveLength(1);
  });

  it("answers 404 SKU_NOT_FOUND for a SKU that does not exist and writes nothing", async () => {
    const admin = await makeShopper("admin");
    const before = await getDb().select({ n: sql<number>`count(*)` }).from(stockAdjustments);
    for (const delta of [5, -5]) {
      const res = await adjust(999_999_999, admin.cookie, { delta, reason: "ghost" });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("SKU_NOT_FOUND");
    }
    const after = await getDb().select({ n: sql<number>`count(*)` }).from(stockAdjustments);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("refuses a restock past what INT UNSIGNED holds with a readable 400", async () => {
    const [skuId] = (await makeSkus([MAX_STOCK - 10])) as [number];
    const admin = await makeShopper("admin");
    const res = await adjust(skuId, admin.cookie, { delta: 11, reason: "too much" });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "VALIDATION", message: expect.stringContaining("above 4294967295") });
    expect((await stockOf(skuId)).stock).toBe(MAX_STOCK - 10);
    expect(await ledgerOf(skuId)).toHaveLength(0);
    expect((await adjust(skuId, admin.cookie, { delta: 10, reason: "just fits" })).status).toBe(201);
  });

  it("lists a SKU's history newest first, with the admin's name", async () => {
    const [skuId] = (await makeSkus([1])) as [number];
    const admin = await makeShopper("admin");
    await adjust(skuId, admin.cookie, { delta: 10, reason: "first delivery" });
    await adjust(skuId, admin.cookie, { delta: -2, reason: "  two broken  " });
    const res = await listAdjustmentsRoute(request(`/api/admin/stock/${skuId}/adjustments`, { cookie: admin.cookie }), ctx({ skuId: String(skuId) }));
    expect(res.status).toBe(200);
    const { adjustments } = await res.json();
    expect(adjustments.map((a: { delta: number; stockAfter: number; reason: string; admin: string }) => [a.delta, a.stockAfter, a.reason, a.admin])).toEqual([
      [-2, 9, "two broken", admin.username],
      [10, 11, "first delivery", admin.username],
    ]);
  });
});
