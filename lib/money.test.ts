import { describe, expect, it } from "vitest";
import { formatMoney, toCents, toDecimal } from "./money";

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
});
