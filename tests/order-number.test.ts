import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { orders } from "@/db/schema";
import { isDuplicateKey } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { formatOrderNumber, parseOrderNumber } from "@/lib/orders/number";
import { getOrder } from "@/lib/orders/queries";
import { makeSkus, makeShoppers, fillCart } from "./support/fixtures";

describe("short order numbers", () => {
  it("encodes one-to-one: distinct numbers give distinct codes that parse back, in any case", () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 50_000; n++) {
      const code = formatOrderNumber(n);
      expect(code).toMatch(/^SR-[0-9A-HJKMNP-TV-Z]{6}$/);
      expect(seen.has(code)).toBe(false);
      seen.add(code);
      expect(parseOrderNumber(code)).toBe(n);
    }
    for (const n of [2 ** 30 - 1, 2 ** 30, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) expect(parseOrderNumber(formatOrderNumber(n).toLowerCase())).toBe(n);
    for (const bad of ["", "SR-", "SR-12345", "SR-ILOU00", "XX-7K3F92", "SR-00000000"]) expect(parseOrderNumber(bad)).toBeNull();
  });

  it("gives 40 orders placed at once 40 different numbers, each resolving to its own order for its owner only", async () => {
    const [skuId] = await makeSkus([100]);
    const shoppers = await makeShoppers(40);
    for (const u of shoppers) await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const placed = await Promise.all(shoppers.map((u) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: randomUUID() })));
    const numbers = placed.map((p) => p.order.orderNumber);
    expect(new Set(numbers).size).toBe(40);
    for (const [i, u] of shoppers.entries()) {
      const { orderId, orderNumber } = placed[i]!.order;
      expect(orderNumber).toMatch(/^SR-[0-9A-HJKMNP-TV-Z]{6}$/);
      expect((await getOrder(u.id, orderNumber)).orderId).toBe(orderId);
      expect((await getOrder(u.id, orderNumber.toLowerCase())).orderId).toBe(orderId);
      expect((await getOrder(u.id, orderId)).orderNumber).toBe(orderNumber);
      // Someone else's number is not found, as their id is not.
      await expect(getOrder(shoppers[(i + 1) % 40]!.id, orderNumber)).rejects.toMatchObject({ code: "ORDER_NOT_FOUND" });
    }
  });

  it("is unique by the database: a second order cannot take a number already given", async () => {
    const [skuId] = await makeSkus([10]);
    const [a, b] = await makeShoppers(2);
    await fillCart(a!, [{ skuId: skuId!, count: 1 }]);
    await fillCart(b!, [{ skuId: skuId!, count: 1 }]);
    const first = await placeOrder({ userId: a!.id, addressId: a!.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    const second = await placeOrder({ userId: b!.id, addressId: b!.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    const [taken] = await getDb().select({ n: orders.orderNumber }).from(orders).where(eq(orders.id, first.order.orderId));
    const clash = getDb().update(orders).set({ orderNumber: taken!.n }).where(eq(orders.id, second.order.orderId));
    await expect(clash).rejects.toSatisfy(isDuplicateKey);
  });
});
