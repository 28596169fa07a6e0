import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus, spus } from "@/db/schema";
import { searchProducts } from "@/lib/catalog";
import { fromPrice } from "@/lib/from-price";
import { parseCatalogQuery } from "@/lib/catalog-query";
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

const names = (ps: { name: string }[]) => ps.map((p) => p.name);

describe("catalog search", () => {
  it("filters by category and finds every word in a name, description or variant, with LIKE wildcards taken literally", async () => {
    const c = await makeCatalog();
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category })))).toEqual([c.lamp, c.chair, c.rug, c.gone]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "oak" })))).toEqual([c.chair]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "  warm   LAMP " })))).toEqual([c.lamp]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "Rug v0" })))).toEqual([c.rug]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "100%" })))).toEqual([c.lamp]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, q: "wool_" })))).toEqual([c.lamp]);
    expect(await searchProducts(parseCatalogQuery({ category: c.category, q: "o%k" }))).toEqual([]); // as a wildcard it would find "Oak"
    expect(await searchProducts(parseCatalogQuery({ category: c.category, q: "oak lamp" }))).toEqual([]);
    expect(names(await searchProducts(parseCatalogQuery({ q: c.tag })))).toHaveLength(4);
  });

  it("sorts by the from price either way (nothing on sale last) and by newest", async () => {
    const c = await makeCatalog();
    const asc = await searchProducts(parseCatalogQuery({ category: c.category, sort: "price-asc" }));
    expect(names(asc)).toEqual([c.lamp, c.rug, c.chair, c.gone]);
    expect(asc.map((p) => fromPrice(p.skus) && toCents(fromPrice(p.skus)!))).toEqual([2500, 6000, 12000, null]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, sort: "price-desc" })))).toEqual([c.chair, c.rug, c.lamp, c.gone]);
    expect(names(await searchProducts(parseCatalogQuery({ category: c.category, sort: "newest" })))).toEqual([c.gone, c.rug, c.chair, c.lamp]);
  });

  it("reads URL parameters forgivingly: unknown sorts, repeats and long words fall back", () => {
    expect(parseCatalogQuery({ sort: "cheapest" }).sort).toBe("featured");
    expect(parseCatalogQuery({ q: ["a", "b"] }).q).toBe("a");
    expect(parseCatalogQuery({ q: "x".repeat(500) }).q).toHaveLength(80);
    expect(parseCatalogQuery({})).toEqual({ q: "", category: "", sort: "featured" });
  });
});
