import { describe, expect, it } from "vitest";
import { addressSchema } from "../lib/orders/addresses";
import { credentialsSchema } from "../lib/auth/schemas";
import { addItemSchema, updateItemSchema } from "../lib/cart/schemas";
import { idempotencyKeySchema, placeOrderSchema } from "../lib/orders/schemas";

describe("input schemas", () => {
  it("accepts valid credentials and strips a role", () => {
    const parsed = credentialsSchema.parse({ username: "jane.doe-1", password: "longenough", role: "admin" });
    expect(parsed).toEqual({ username: "jane.doe-1", password: "longenough" });
  });

  it.each([
    { username: "ab", password: "longenough" },
    { username: "a".repeat(33), password: "longenough" },
    { username: "bad name", password: "longenough" },
    { username: "ünïcode", password: "longenough" },
    { username: "jane", password: "short" },
    { username: "jane", password: "x".repeat(129) },
    { username: "jane" },
  ])("refuses credentials %j", (input) => expect(credentialsSchema.safeParse(input).success).toBe(false));

  it.each([0, -1, 1.5, 100, "3", null, Number.NaN, 1e308])("refuses cart count %s", (count) =>
    expect(addItemSchema.safeParse({ skuId: 1, count }).success).toBe(false),
  );

  it("accepts counts 1..99", () => {
    expect(addItemSchema.parse({ skuId: 1, count: 1 }).count).toBe(1);
    expect(addItemSchema.parse({ skuId: 1, count: 99 }).count).toBe(99);
  });

  it("needs count or selected to update a line", () => {
    expect(updateItemSchema.safeParse({}).success).toBe(false);
    expect(updateItemSchema.safeParse({ selected: "yes" }).success).toBe(false);
    expect(updateItemSchema.parse({ selected: false })).toEqual({ selected: false });
  });

  it("knows the pay methods and the idempotency key shape", () => {
    expect(placeOrderSchema.safeParse({ addressId: 1, payMethod: "bitcoin" }).success).toBe(false);
    expect(placeOrderSchema.safeParse({ addressId: "1", payMethod: "cod" }).success).toBe(false);
    expect(placeOrderSchema.parse({ addressId: 1, payMethod: "online" })).toEqual({ addressId: 1, payMethod: "online" });
    expect(idempotencyKeySchema.safeParse("short").success).toBe(false);
    expect(idempotencyKeySchema.safeParse("has spaces in it").success).toBe(false);
    expect(idempotencyKeySchema.safeParse("0b9a3c1e-77f2-4f0e-9a57-31c6a2b1d9aa").success).toBe(true);
  });

  it("requires every address field, and a postcode where the country has them", () => {
    const ok = { name: "A", email: "a@example.com", phone: "+1 (555) 010-0100", line1: "D", city: "C", postcode: "97201", country: "US" };
    expect(addressSchema.safeParse({ ...ok, line1: "" }).success).toBe(false);
    expect(addressSchema.safeParse({ ...ok, phone: "call me" }).success).toBe(false);
    expect(addressSchema.safeParse({ ...ok, email: "not-an-email" }).success).toBe(false);
    expect(addressSchema.safeParse({ ...ok, country: "XX" }).success).toBe(false);
    expect(addressSchema.parse(ok)).toMatchObject({ ...ok, line2: "", region: "" });
    // A postcode is required in the US, not in Hong Kong (lib/orders/countries.ts).
    const noPostcode = addressSchema.safeParse({ ...ok, postcode: "" });
    expect(noPostcode.success ? null : noPostcode.error.issues[0]!.path).toEqual(["postcode"]);
    expect(addressSchema.safeParse({ ...ok, postcode: "", country: "hk" }).data?.country).toBe("HK");
  });
});
