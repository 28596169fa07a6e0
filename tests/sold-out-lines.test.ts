import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { readCart, userOwner } from "@/lib/cart/store";
import { placeOrder } from "@/lib/orders/checkout";
import { soldOutSentence } from "@/lib/orders/sold-out-lines";
import { fillCart, makeSkus, makeShopper, ordersOf, restock, stockOf, type Shopper } from "./support/fixtures";

const buy = (u: Shopper) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "online", idempotencyKey: randomUUID() });

describe("a checkout that finds a line sold out", () => {
  it("takes that line out of the selection in one cart change, names it in one sentence, and the next checkout buys the rest", async () => {
    const [gone, plenty] = await makeSkus([1, 50]);
    const u = await makeShopper();
    await fillCart(u, [
      { skuId: gone!, count: 1 },
      { skuId: plenty!, count: 2 },
    ]);
    const before = await readCart(userOwner(u.id));
    await restock(gone!, 0); // another shopper took the last unit

    const err = await buy(u).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "OUT_OF_STOCK", details: { takenOut: [gone], lines: [{ skuId: gone, requested: 1, available: 0 }] } });
    expect((err as AppError).message).toMatch(/^Product \w+ — Variant 1 sold out\. It was taken out of this order\.$/);
    const after = await readCart(userOwner(u.id));
    expect(after.lines).toEqual([
      { skuId: gone, count: 1, selected: false },
      { skuId: plenty, count: 2, selected: true },
    ]);
    expect(after.revision).not.toBe(before.revision);
    expect(await ordersOf([u.id])).toHaveLength(0);

    // "Buy the rest": the same shopper's next checkout orders only the line still selected.
    const { order } = await buy(u);
    expect(order.lines).toEqual([expect.objectContaining({ skuId: plenty, count: 2 })]);
    expect(await stockOf(plenty!)).toMatchObject({ stock: 48 });
    // The sold-out line stays in the cart, unticked, for when it is back.
    expect((await readCart(userOwner(u.id))).lines).toEqual([{ skuId: gone, count: 1, selected: false }]);
  });

  it("answers a retry with the same key (its first answer lost) with the same refusal, never EMPTY_CART, in every strategy", async () => {
    for (const strategy of ["batched", "conditional", "optimistic", "pessimistic"] as const) {
      const [gone] = await makeSkus([1]);
      const u = await makeShopper();
      await fillCart(u, [{ skuId: gone!, count: 1 }]);
      await restock(gone!, 0);
      const req = { userId: u.id, addressId: u.addressId, payMethod: "online" as const, idempotencyKey: randomUUID() };
      const first = await placeOrder(req, strategy).catch((e: unknown) => e);
      expect(first, strategy).toMatchObject({ code: "OUT_OF_STOCK", details: { takenOut: [gone] } });
      // The line is out of the selection now; the same key again hears the same refusal.
      const retry = await placeOrder(req, strategy).catch((e: unknown) => e);
      expect(retry, strategy).toMatchObject({ code: "OUT_OF_STOCK", message: (first as AppError).message, details: { takenOut: [gone] } });
      // A new key on the emptied selection is a new request: nothing is selected.
      await expect(placeOrder({ ...req, idempotencyKey: randomUUID() }, strategy), strategy).rejects.toMatchObject({ code: "EMPTY_CART" });
      expect(await ordersOf([u.id])).toHaveLength(0);
      expect((await readCart(userOwner(u.id))).lines).toEqual([{ skuId: gone, count: 1, selected: false }]);
    }
  });

  it("leaves a line that is only short selected, for the shopper to lower", async () => {
    const [short] = await makeSkus([5]);
    const u = await makeShopper();
    await fillCart(u, [{ skuId: short!, count: 3 }]);
    await restock(short!, 2);
    await expect(buy(u)).rejects.toMatchObject({ code: "OUT_OF_STOCK", message: expect.stringMatching(/^Only 2 left of .+ \(you asked for 3\)\.$/) });
    expect((await readCart(userOwner(u.id))).lines).toEqual([{ skuId: short, count: 3, selected: true }]);
  });

  it("names every sold-out line in one sentence", () => {
    expect(soldOutSentence(["Phone X, 128 GB"])).toBe("Phone X, 128 GB sold out. It was taken out of this order.");
    expect(soldOutSentence(["A", "B"])).toBe("A and B sold out. They were taken out of this order.");
    expect(soldOutSentence(["A", "B", "C"])).toBe("A, B and C sold out. They were taken out of this order.");
  });
});
