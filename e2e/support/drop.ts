import { expect, type Browser } from "@playwright/test";
import { newUsername } from "../pages/login";
import { makeVariant, setSaleFields } from "./fixtures";

/** What scriptDrop did: the SKU, and the answers its shoppers got, as the drop view should count them. */
export type ScriptedDrop = {
  sku: Awaited<ReturnType<typeof makeVariant>>;
  sold: number;
  orders: number;
  refused: { SALE_NOT_STARTED: number; PURCHASE_LIMIT_REACHED: number; OUT_OF_STOCK: number };
};

/**
 * A small drop through the API, as shoppers' browsers would place it: 3 units, launching later.
 * Six shoppers fill their carts (one takes 2); the admin then caps it at 1 per customer. Two
 * try before the launch; at the launch the one with 2 is over the limit, three buy the 3 units,
 * and two find it sold out.
 * `beforeLaunch` runs once the SKU exists (e.g. an admin opens the view).
 */
export async function scriptDrop(browser: Browser, product: string, beforeLaunch?: (skuId: number) => Promise<void>): Promise<ScriptedDrop> {
  const sku = await makeVariant(product, { stock: 3, saleStartsAt: new Date(Date.now() + 60 * 60_000) });
  await beforeLaunch?.(sku.skuId);
  const shoppers = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
      const api = context.request;
      expect((await api.post("/api/auth/register", { data: { username: newUsername(`drop${i}`), password: "password123" } })).status()).toBe(201);
      const address = await api.post("/api/addresses", { data: { name: "Drop Shopper", email: "e2e@example.com", phone: "+1 555 0100", line1: "3 Launch Lane", city: "Portland", region: "Oregon", postcode: "97201", country: "US" } });
      const addressId = (await address.json()).address.id as number;
      expect((await api.post("/api/cart/items", { data: { skuId: sku.skuId, count: i === 0 ? 2 : 1 } })).status()).toBe(201);
      const order = async () => {
        const res = await api.post("/api/orders", { headers: { "Idempotency-Key": newUsername("drop-key") }, data: { addressId, payMethod: "cod" } });
        return res.status() === 201 ? "created" : ((await res.json()).error.code as string);
      };
      return { context, order };
    }),
  );
  /** The shoppers numbered, ordering at once. */
  const order = (...which: number[]) => Promise.all(which.map((i) => shoppers[i]!.order()));
  await setSaleFields(sku.skuId, { perCustomerLimit: 1 });

  expect(await order(1, 2)).toEqual(["SALE_NOT_STARTED", "SALE_NOT_STARTED"]);
  await setSaleFields(sku.skuId, { saleStartsAt: new Date(Date.now() - 500) });
  expect(await order(0)).toEqual(["PURCHASE_LIMIT_REACHED"]);
  expect(await order(1, 2, 3)).toEqual(["created", "created", "created"]);
  expect(await order(4, 5)).toEqual(["OUT_OF_STOCK", "OUT_OF_STOCK"]);
  await Promise.all(shoppers.map((s) => s.context.close()));
  return { sku, sold: 3, orders: 3, refused: { SALE_NOT_STARTED: 2, PURCHASE_LIMIT_REACHED: 1, OUT_OF_STOCK: 2 } };
}
