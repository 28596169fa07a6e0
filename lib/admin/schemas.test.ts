import { describe, expect, it } from "vitest";
import { z } from "zod";
import { adjustStockForm, adjustStockSchema, MAX_SKU_NAME, orderFilterSchema, priceAndNameForm, updateSkuSchema } from "./schemas";

describe("admin input schemas", () => {
  it.each([0, 1.5, -0.5, 100_001, -100_001, "5", null, Number.NaN, Number.POSITIVE_INFINITY])("refuses API delta %s", (delta) =>
    expect(adjustStockSchema.safeParse({ delta, reason: "restock" }).success).toBe(false),
  );

  it.each(["", "   ", "x".repeat(256), undefined, 7])("refuses reason %j", (reason) =>
    expect(adjustStockSchema.safeParse({ delta: 3, reason }).success).toBe(false),
  );

  it("accepts the limits and trims the reason", () => {
    expect(adjustStockSchema.parse({ delta: 100_000, reason: "  big delivery  " })).toEqual({ delta: 100_000, reason: "big delivery" });
    expect(adjustStockSchema.parse({ delta: -100_000, reason: "x".repeat(255) }).delta).toBe(-100_000);
  });

  it("reads form strings, and says what is wrong in words", () => {
    expect(adjustStockForm.parse({ delta: " +7 ", reason: "delivery" })).toEqual({ delta: 7, reason: "delivery" });
    expect(adjustStockForm.parse({ delta: "-3", reason: "damaged" }).delta).toBe(-3);
    const message = (delta: string) => adjustStockForm.safeParse({ delta, reason: "r" }).error?.issues[0]?.message;
    expect(message("")).toBe("Enter a delta, e.g. 10 or -2.");
    expect(message("1.5")).toBe("Delta must be a whole number, e.g. 10 or -2.");
    expect(message("1e3")).toBe("Delta must be a whole number, e.g. 10 or -2.");
    expect(message("0")).toMatch(/cannot be 0/);
    expect(message("100001")).toBe("Delta must be between -100000 and 100000.");
  });

  it("knows on-sale flags and order statuses", () => {
    expect(updateSkuSchema.safeParse({ onSale: "yes" }).success).toBe(false);
    expect(updateSkuSchema.parse({ onSale: false })).toEqual({ onSale: false });
    expect(orderFilterSchema.safeParse({ status: "lost" }).success).toBe(false);
    expect(orderFilterSchema.parse({})).toEqual({});
  });

  it.each([0, -1, 1.5, 100, "2", true])("refuses perCustomerLimit %j", (perCustomerLimit) =>
    expect(updateSkuSchema.safeParse({ perCustomerLimit }).success).toBe(false),
  );

  it.each(["tomorrow", "2026-12-24", "2026-12-24T18:00:00", "2026-13-01T00:00:00Z", 1796000000000])("refuses saleStartsAt %j", (saleStartsAt) =>
    expect(updateSkuSchema.safeParse({ saleStartsAt }).success).toBe(false),
  );

  it("takes limits 1-99, launch times with an offset, null to clear, and nothing unknown", () => {
    expect(updateSkuSchema.parse({ perCustomerLimit: 1 })).toEqual({ perCustomerLimit: 1 });
    expect(updateSkuSchema.parse({ perCustomerLimit: 99, saleStartsAt: null })).toEqual({ perCustomerLimit: 99, saleStartsAt: null });
    expect(updateSkuSchema.parse({ saleStartsAt: "2026-12-24T18:00:00+01:00" })).toEqual({ saleStartsAt: new Date("2026-12-24T17:00:00.000Z") });
    expect(updateSkuSchema.parse({ saleStartsAt: "2026-12-24T17:00:00.250Z" }).saleStartsAt).toEqual(new Date("2026-12-24T17:00:00.250Z"));
    expect(updateSkuSchema.safeParse({}).success).toBe(false);
    expect(updateSkuSchema.safeParse({ stock: 5 }).success).toBe(false);
  });

  it.each([
    ["19.99", "19.99"],
    ["5", "5.00"],
    ["5.5", "5.50"],
    [" 007.10 ", "7.10"],
    ["0", "0.00"],
    ["0.00", "0.00"],
    ["99999999.99", "99999999.99"],
  ])("takes price %j as %j", (price, stored) => expect(updateSkuSchema.parse({ price })).toEqual({ price: stored }));

  it.each([
    [19.99, 'Price must be a string such as "19.99": a JSON number can lose cents.'],
    [null, 'Price must be a string such as "19.99": a JSON number can lose cents.'],
    ["", "Enter a price, e.g. 19.99."],
    ["   ", "Enter a price, e.g. 19.99."],
    ["-1", "Price cannot be negative."],
    ["-0.50", "Price cannot be negative."],
    ["-.5", "Price cannot be negative."],
    ["19.999", "Price can have at most 2 decimals (whole cents), e.g. 19.99."],
    ["0.001", "Price can have at most 2 decimals (whole cents), e.g. 19.99."],
    ["100000000", "Price can be at most 99999999.99."],
    ["100000000.00", "Price can be at most 99999999.99."],
    ["9".repeat(400), "Price can be at most 99999999.99."],
    ["1e3", "Price must be an amount such as 19.99 or 5."],
    ["$5", "Price must be an amount such as 19.99 or 5."],
    ["1,000.00", "Price must be an amount such as 19.99 or 5."],
    ["5.", "Price must be an amount such as 19.99 or 5."],
    [".5", "Price must be an amount such as 19.99 or 5."],
    ["+5", "Price must be an amount such as 19.99 or 5."],
    ["0x10", "Price must be an amount such as 19.99 or 5."],
  ])("refuses price %j: %s", (price, message) => {
    const issues = updateSkuSchema.safeParse({ price }).error?.issues;
    expect(issues?.map((i) => [i.path.join("."), i.message])).toEqual([["price", message]]);
  });

  it(`takes a trimmed variant name of 1 to ${MAX_SKU_NAME} characters, counted as the database counts them`, () => {
    expect(MAX_SKU_NAME).toBe(124);
    expect(updateSkuSchema.parse({ name: "  EU 44  " })).toEqual({ name: "EU 44" });
    expect(updateSkuSchema.parse({ name: "x".repeat(MAX_SKU_NAME) }).name).toHaveLength(MAX_SKU_NAME);
    // 124 emoji are 248 UTF-16 units but 124 characters to MariaDB and MySQL.
    expect(updateSkuSchema.safeParse({ name: "🎒".repeat(MAX_SKU_NAME) }).success).toBe(true);
    expect(updateSkuSchema.safeParse({ name: "🎒".repeat(MAX_SKU_NAME + 1) }).success).toBe(false);
  });

  it.each([
    ["", "Enter a name for the variant, e.g. EU 44 or 128 GB."],
    ["   ", "Enter a name for the variant, e.g. EU 44 or 128 GB."],
    ["x".repeat(125), "Name can be at most 124 characters."],
    [44, "Name must be a string, e.g. EU 44 or 128 GB."],
    [null, "Name must be a string, e.g. EU 44 or 128 GB."],
  ])("refuses name %j: %s", (name, message) => expect(updateSkuSchema.safeParse({ name }).error?.issues[0]?.message).toBe(message));

  it("takes price and name together with the sale settings, and still nothing unknown", () => {
    expect(updateSkuSchema.parse({ price: "12", name: "Blue", onSale: true })).toEqual({ price: "12.00", name: "Blue", onSale: true });
    expect(updateSkuSchema.safeParse({ price: "12", sku: "x" }).success).toBe(false);
    expect(updateSkuSchema.safeParse({ price: "12", priceCents: 1200 }).success).toBe(false);
  });

  it("reads the price and name form with the same rules", () => {
    expect(priceAndNameForm.parse({ price: "5", name: " Large " })).toEqual({ price: "5.00", name: "Large" });
    const result = priceAndNameForm.safeParse({ price: "19.999", name: "" });
    const errors = result.error && z.flattenError(result.error).fieldErrors;
    expect(errors).toEqual({ price: ["Price can have at most 2 decimals (whole cents), e.g. 19.99."], name: ["Enter a name for the variant, e.g. EU 44 or 128 GB."] });
    expect(priceAndNameForm.safeParse({ name: "Large" }).success).toBe(false);
  });
});
