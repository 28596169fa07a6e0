import { describe, expect, it } from "vitest";
import { routePattern } from "./route-pattern";

describe("routePattern", () => {
  it("names dynamic segments instead of carrying the raw values", () => {
    expect(routePattern("/api/orders/01JABCDEF/pay", { orderId: "01JABCDEF" })).toBe("/api/orders/[orderId]/pay");
    expect(routePattern("/api/admin/stock/42/adjustments", { skuId: "42" })).toBe("/api/admin/stock/[skuId]/adjustments");
    expect(routePattern("/api/cart/items/a%20b", { skuId: "a b" })).toBe("/api/cart/items/[skuId]");
  });

  it("leaves static routes alone and folds catch-all segments", () => {
    expect(routePattern("/api/orders", undefined)).toBe("/api/orders");
    expect(routePattern("/api/orders", {})).toBe("/api/orders");
    expect(routePattern("/docs/a/b", { slug: ["a", "b"] })).toBe("/docs/[...slug]");
  });
});
