import { describe, expect, it } from "vitest";
import { orderLines, orders, skus } from "@/db/schema";
import { fitsMoneyColumn, formatMoney, maxCents, MONEY_COLUMNS, toCents, toDecimal } from "./money";

describe("money", () => {
  it.each([
    ["1999.00", 199900],
    ["0.10", 10],
    ["0.1", 10],
    ["12", 1200],
    ["-5.25", -525],
  ])("reads %s as %i cents", (decimal, cents) => expect(toCents(decimal)).toBe(cents));

  it("writes cents as a two-decimal string", () => {
    expect(toDecimal(199900)).toBe("1999.00");
    expect(toDecimal(5)).toBe("0.05");
    expect(toDecimal(-525)).toBe("-5.25");
  });

  it("adds without floating point drift", () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004
    expect(toDecimal(toCents("0.10") + toCents("0.20"))).toBe("0.30");
  });

  it("rejects what is not an amount", () => {
    expect(() => toCents("1.234")).toThrow();
    expect(() => toCents("abc")).toThrow();
    expect(() => toDecimal(1.5)).toThrow();
  });

  it("formats for display", () => expect(formatMoney("1999.00")).toBe("$1,999.00"));

  it("knows each money column's limit as db/schema.ts declares it", () => {
    expect(skus.price.getSQLType()).toBe(`decimal(${MONEY_COLUMNS.price},2)`);
    expect(orderLines.price.getSQLType()).toBe(`decimal(${MONEY_COLUMNS.price},2)`);
    expect(orders.freight.getSQLType()).toBe(`decimal(${MONEY_COLUMNS.freight},2)`);
    expect(orders.totalAmount.getSQLType()).toBe(`decimal(${MONEY_COLUMNS.total},2)`);
  });

  it("fits an amount up to its column's largest value and not a cent more", () => {
    expect(toDecimal(maxCents("price"))).toBe("99999999.99");
    expect(toDecimal(maxCents("total"))).toBe("9999999999.99");
    expect(fitsMoneyColumn(maxCents("total"), "total")).toBe(true);
    expect(fitsMoneyColumn(maxCents("total") + 1, "total")).toBe(false);
    expect(fitsMoneyColumn(maxCents("price") + 1, "price")).toBe(false);
    expect(fitsMoneyColumn(0, "price")).toBe(true);
    expect(fitsMoneyColumn(-1, "total")).toBe(false);
    expect(fitsMoneyColumn(Number.MAX_SAFE_INTEGER + 2, "total")).toBe(false);
  });
});
