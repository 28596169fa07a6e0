import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as addToCartRoute } from "@/app/api/cart/items/route";
import { GET as productsRoute } from "@/app/api/products/route";
import { GET as stockRoute } from "@/app/api/stock/[skus]/route";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { createProduct, updateProduct } from "@/lib/admin/catalog/products";
import { listLocations } from "@/lib/admin/locations";
import { getProduct, listCategories, listProducts, searchProducts } from "@/lib/catalog/products";
import { parseCatalogQuery } from "@/lib/catalog/view";
import { AppError } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { getOrder } from "@/lib/orders/queries";
import { checkoutSeams as seams } from "@/lib/orders/seams";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { whenIdle } from "@/lib/platform/shutdown";
import { fillCart, linesOf, makeShopper, makeShoppers, noCtx, ordersOf, request, stockOf, uid, type Shopper } from "./support/fixtures";

let admin: Shopper;
let main: number;

beforeAll(async () => {
  admin = await makeShopper("admin");
  main = (await listLocations()).find((l) => l.active)!.locationId;
});
afterEach(() => {
  seams.afterLookups = undefined;
});

/** A product of its own category with one variant holding `stock` units. */
async function product(status: "draft" | "active", stock = 10) {
  const name = uid("Visible ");
  const category = uid("Cat ");
  const made = await createProduct({ name, description: "Words.", category, status, skus: [{ name: "One", price: "10.00", stock: [{ locationId: main, count: stock }] }] }, admin.id);
  return { spuId: made.spuId, skuId: made.skus[0]!.skuId, name, category };
}

/** Everywhere a shopper could meet the product; true where it shows. */
async function seenBy(p: { spuId: number; name: string; category: string; skuId: number }) {
  const api = (await (await productsRoute(request("/api/products"), noCtx)).json()) as { products: { spuId: number }[] };
  const stock = (await (await stockRoute(request(`/api/stock/${p.skuId}`), { params: Promise.resolve({ skus: String(p.skuId) }) })).json()) as { skus: { onSale: boolean }[] };
  return {
    page: (await getProduct(p.spuId)) !== null,
    catalog: (await listProducts()).some((x) => x.spuId === p.spuId),
    search: (await searchProducts(parseCatalogQuery({ q: p.name }))).products.some((x) => x.spuId === p.spuId),
    category: (await listCategories()).includes(p.category),
    api: api.products.some((x) => x.spuId === p.spuId),
    buyable: stock.skus[0]?.onSale === true,
  };
}
const everywhere = { page: true, catalog: true, search: true, category: true, api: true, buyable: true };
const nowhere = { page: false, catalog: false, search: false, category: false, api: false, buyable: false };

const buy = (u: Shopper, strategy: (typeof CHECKOUT_STRATEGIES)[number]) => placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: randomUUID() }, strategy);
const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === "fulfilled" ? "OK" : r.reason instanceof AppError ? r.reason.code : `THROWN ${String(r.reason)}`);

describe("a draft or archived product is invisible to shoppers", () => {
  it("a draft shows nowhere; published it shows everywhere; archived it is gone again", async () => {
    const p = await product("draft");
    expect(await seenBy(p)).toEqual(nowhere);
    await updateProduct(p.spuId, { status: "active" }, admin.id);
    expect(await seenBy(p)).toEqual(everywhere);
    await updateProduct(p.spuId, { status: "archived" }, admin.id);
    expect(await seenBy(p)).toEqual(nowhere);
  });

  it("refuses to add a draft's or an archived product's variant to a cart, like an off-sale SKU", async () => {
    const shopper = await makeShopper();
    const draft = await product("draft");
    const archived = await product("active");
    await updateProduct(archived.spuId, { status: "archived" }, admin.id);
    for (const { skuId } of [draft, archived]) {
      const res = await addToCartRoute(request("/api/cart/items", { method: "POST", cookie: shopper.cookie, body: { skuId, count: 1 } }), noCtx);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("SKU_NOT_FOUND");
    }
  });

  it("keeps past orders of an archived product intact", async () => {
    const shopper = await makeShopper();
    const p = await product("active");
    await fillCart(shopper, [{ skuId: p.skuId, count: 2 }]);
    const { order: placed } = await buy(shopper, "conditional");
    await updateProduct(p.spuId, { status: "archived" }, admin.id);
    const order = await getOrder(shopper.id, placed.orderId);
    expect(order.status).toBe("awaiting_shipment");
    expect(order.lines).toEqual([expect.objectContaining({ skuId: p.skuId, name: `${p.name} — One`, count: 2, price: "10.00" })]);
    expect(await stockOf(p.skuId)).toEqual({ stock: 8, sales: 2 });
  });
});

describe.each(CHECKOUT_STRATEGIES)("checkout of an archived product's variant (%s)", (strategy) => {
  it("refuses a cart line of it with its name, as an off-sale SKU, and takes nothing", async () => {
    const shopper = await makeShopper();
    const p = await product("active");
    await fillCart(shopper, [{ skuId: p.skuId, count: 1 }]);
    await updateProduct(p.spuId, { status: "archived" }, admin.id);
    const e = await buy(shopper, strategy).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: "OUT_OF_STOCK", message: `${p.name} — One sold out. It was taken out of this order.` });
    expect(await stockOf(p.skuId)).toEqual({ stock: 10, sales: 0 });
    expect(await ordersOf([shopper.id])).toEqual([]);
  });

  it("serves 100 concurrent checkouts around an archive: each order completes before it or is refused, stock conserved", { timeout: 120_000 }, async () => {
    // More units than buyers: only the archive can refuse anyone.
    const p = await product("active", 150);
    const shoppers = await makeShoppers(100);
    await Promise.all(shoppers.map((u) => fillCart(u, [{ skuId: p.skuId, count: 1 }])));
    let calls = 0;
    let salesAtArchive: number | undefined;
    // The archive commits while a checkout that already passed its lookups (it saw the product
    // active) is inside its transaction, before its stock step: that step must refuse it.
    seams.afterLookups = async () => {
      if (++calls !== 2) return;
      await updateProduct(p.spuId, { status: "archived" }, admin.id);
      salesAtArchive = (await stockOf(p.skuId)).sales;
    };
    const results = await Promise.allSettled(shoppers.map((u) => buy(u, strategy)));
    await whenIdle(10_000);
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c !== "OK" && c !== "OUT_OF_STOCK")).toEqual([]);
    expect(salesAtArchive).toBeDefined();
    const { stock, sales } = await stockOf(p.skuId);
    // Nothing sold after the archive committed, every order is whole, and every unit is accounted for.
    expect(sales).toBe(salesAtArchive);
    expect(stock + sales).toBe(150);
    const made = await ordersOf(shoppers.map((u) => u.id));
    expect(made).toHaveLength(codes.filter((c) => c === "OK").length);
    expect((await linesOf(made.map((o) => o.id))).reduce((n, l) => n + l.count, 0)).toBe(sales);
    expect(codes.filter((c) => c === "OUT_OF_STOCK").length).toBeGreaterThan(0);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).message).toContain(p.name);
    // And after it, nobody can buy it.
    const late = await makeShopper();
    await fillCart(late, [{ skuId: p.skuId, count: 1 }]);
    await expect(buy(late, strategy)).rejects.toMatchObject({ code: "OUT_OF_STOCK" });
    const [row] = await getDb().select({ productActive: skus.productActive }).from(skus).where(eq(skus.id, p.skuId));
    expect(row!.productActive).toBe(false);
  });
});

describe("restoring an archived product", () => {
  it("makes its variants buyable again", async () => {
    const shopper = await makeShopper();
    const p = await product("active");
    await updateProduct(p.spuId, { status: "archived" }, admin.id);
    await updateProduct(p.spuId, { status: "active" }, admin.id);
    await fillCart(shopper, [{ skuId: p.skuId, count: 1 }]);
    await expect(buy(shopper, "batched")).resolves.toMatchObject({ created: true });
  });
});
