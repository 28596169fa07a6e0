import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus, spus } from "@/db/schema";
import { CATALOG_PAGE_SIZE, listCategories, searchProducts } from "@/lib/catalog/products";
import { fromPrice, priceLabel } from "@/lib/catalog/from-price";
import { catalogView, knownCategory, parseCatalogQuery, queryOfView } from "@/lib/catalog/view";
import { formatMoney } from "@/lib/money";
import { toCents } from "@/lib/money";
import { uid } from "./support/fixtures";

/** A category of its own, so other tests' products never enter these results. */
async function makeCatalog() {
  const category = uid("Cat");
  const tag = uid("w");
  const db = getDb();
  const product = async (name: string, description: string, prices: [string, boolean][]) => {
    const [row] = await db.insert(spus).values({ name: `${name} ${tag}`, description, category }).$returningId();
    for (const [i, [price, onSale]] of prices.entries()) await db.insert(skus).values({ spuId: row!.id, name: `${name} v${i}`, price, stock: 5, onSale });
    return `${name} ${tag}`;
  };
  const lamp = await product("Lamp", "A warm 100% wool_shade lamp", [
    ["40.00", true],
    ["25.00", true],
  ]);
  const chair = await product("Chair", "Oak chair", [["120.00", true]]);
  const rug = await product("Rug", "Blue rug", [["60.00", true]]);
  const gone = await product("Vase", "Nothing on sale", [["5.00", false]]);
  return { category, tag, lamp, chair, rug, gone };
}

const names = (found: { products: { name: string }[] }) => found.products.map((p) => p.name);

describe("catalog search", () => {
  it("filters by category and finds every word in a name, description or variant, with LIKE wildcards taken literally", async () => {
    const c = await makeCatalog();
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category })))).toEqual([c.lamp, c.chair, c.rug, c.gone]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "oak" })))).toEqual([c.chair]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "  warm   LAMP " })))).toEqual([c.lamp]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "Rug v0" })))).toEqual([c.rug]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "100%" })))).toEqual([c.lamp]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "wool_" })))).toEqual([c.lamp]);
    expect(await searchProducts(parseCatalogQuery({ category: c.category, q: "o%k" }))).toEqual({ products: [], total: 0 }); // as a wildcard it would find "Oak"
    expect(await searchProducts(parseCatalogQuery({ category: c.category, q: "oak lamp" }))).toEqual({ products: [], total: 0 });
    expect(names(await searchProducts(parseCatalogQuery({ q: c.tag })))).toHaveLength(4);
  });

  it("sorts by the from price either way (nothing on sale last) and by newest", async () => {
    const c = await makeCatalog();
    const asc = await searchProducts(parseCatalogQuery({ category: c.category, sort: "price-asc" }));
    expect(names(asc)).toEqual([c.lamp, c.rug, c.chair, c.gone]);
    expect(asc.products.map((p) => fromPrice(p.skus) && toCents(fromPrice(p.skus)!))).toEqual([2500, 6000, 12000, null]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, sort: "price-desc" })))).toEqual([c.chair, c.rug, c.lamp, c.gone]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, sort: "newest" })))).toEqual([c.gone, c.rug, c.chair, c.lamp]);
  });

  it('says "from" only when the variants on sale cost different amounts', async () => {
    const { category, lamp, chair } = await makeCatalog();
    const found = await searchProducts(parseCatalogQuery({ category }));
    const label = (name: string) => priceLabel(found.products.find((p) => p.name === name)!.skus, formatMoney);
    expect(label(lamp)).toBe("from $25.00");
    expect(label(chair)).toBe("$120.00");
    const same = [{ onSale: true, price: "129.00" }, { onSale: true, price: "129.00" }, { onSale: false, price: "99.00" }];
    expect(priceLabel(same, formatMoney)).toBe("$129.00");
    expect(priceLabel([{ onSale: false, price: "5.00" }], formatMoney)).toBeNull();
  });

  it("knows a category only when a product is in it (the catalog page answers 404 for any other)", async () => {
    const { category } = await makeCatalog();
    const categories = await listCategories();
    expect(knownCategory(categories, category)).toBe(category);
    expect(knownCategory(categories, category.toUpperCase())).toBe(category); // as the database matches it
    expect(knownCategory(categories, "Nope")).toBeNull();
    expect(knownCategory(categories, "")).toBe("");
  });

  it("reads URL parameters forgivingly: unknown sorts, repeats and long words fall back", () => {
    expect(parseCatalogQuery({ sort: "cheapest" }).sort).toBe("featured");
    expect(parseCatalogQuery({ q: ["a", "b"] }).q).toBe("a");
    expect(parseCatalogQuery({ q: "x".repeat(500) }).q).toHaveLength(80);
    expect(parseCatalogQuery({ page: "0" }).page).toBe(1);
    expect(parseCatalogQuery({ page: "2.5" }).page).toBe(1);
    expect(parseCatalogQuery({ page: "3" }).page).toBe(3);
    expect(parseCatalogQuery({})).toEqual({ q: "", category: "", sort: "featured", page: 1 });
  });

  it("pages through CATALOG_PAGE_SIZE products at a time, counting every match, in the same order as one long list", async () => {
    const category = uid("Many");
    const db = getDb();
    const made: string[] = [];
    for (let i = 0; i < CATALOG_PAGE_SIZE + 3; i++) {
      const [row] = await db.insert(spus).values({ name: `Item ${i} ${category}`, description: "many", category }).$returningId();
      await db.insert(skus).values({ spuId: row!.id, name: "Only", price: `${100 - i}.00`, stock: 1 });
      made.push(`Item ${i} ${category}`);
    }
    const first = await searchProducts(parseCatalogQuery({ category, sort: "price-asc" }));
    const second = await searchProducts(parseCatalogQuery({ category, sort: "price-asc", page: "2" }));
    expect([first.total, second.total]).toEqual([CATALOG_PAGE_SIZE + 3, CATALOG_PAGE_SIZE + 3]);
    expect([...names(first), ...names(second)]).toEqual(made.toReversed());
    expect(names(second)).toHaveLength(3);
    expect(await searchProducts(parseCatalogQuery({ category, page: "3" }))).toEqual({ products: [], total: CATALOG_PAGE_SIZE + 3 });
  });

  it("names each view of the catalog by one canonical path segment", () => {
    const view = catalogView(parseCatalogQuery({ sort: "newest", q: " lamp  oak ", page: "2" }));
    expect(queryOfView(view)).toEqual({ q: "lamp oak", category: "", sort: "newest", page: 2 });
    expect(catalogView(parseCatalogQuery({ sort: "featured", page: "1" }))).toBe("all");
    expect(queryOfView("all")).toEqual({ q: "", category: "", sort: "featured", page: 1 });
    // Another spelling of a view, or junk, is no view: one cached page per view.
    expect(queryOfView(Buffer.from("sort=newest&q=lamp").toString("base64url"))).toBeNull();
    expect(queryOfView("garbage")).toBeNull();
  });
});
