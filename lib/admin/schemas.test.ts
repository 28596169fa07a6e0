import { describe, expect, it } from "vitest";
import { adjustStockForm, adjustStockSchema, orderFilterSchema, updateSkuSchema } from "./schemas";

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
});
