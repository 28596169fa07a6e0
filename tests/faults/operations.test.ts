import { describe, expect, it } from "vitest";
import { findCheckoutAction, submitCheckout } from "../support/checkout-action";
import { fillCart, makeSkus } from "../support/fixtures";
import { waitFor } from "../support/wait";
import { call, checkout, orderIdOf } from "./client";
import { useFaultStack } from "./stack";

describe("operations: structured logs with a request id", () => {
  const f = useFaultStack({ product: "Ops product", stocks: [1], shoppers: 2 });

  it("answers with the caller's sane x-request-id, or a fresh one", async () => {
    const { client, shoppers } = f;
    const kept = await call(client, "GET", "/api/products", undefined, undefined, { "x-request-id": "edge-7f3a9c21" });
    expect(kept.headers["x-request-id"]).toBe("edge-7f3a9c21");
    const replaced = await call(client, "GET", "/api/products", undefined, undefined, { "x-request-id": `"}{evil` + "x".repeat(100) });
    expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await call(client, "GET", "/api/cart", shoppers[0]);
    expect(fresh.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs one JSON line per checkout with strategy, attempts, outcome and duration, under the request's id", async () => {
    const { stack, client, shoppers, skuIds: [skuId] } = f;
    for (const s of shoppers) await fillCart(s, [{ skuId: skuId!, count: 1 }]);
    const won = await checkout(client, shoppers[0]!);
    const lost = await checkout(client, shoppers[1]!);
    expect([won.status, lost.status]).toEqual([201, 409]);
    // The server's stdout reaches us asynchronously: wait for both requests' access-log lines.
    const byRequest = (a: typeof won) => stack.server.logs().filter((l) => l.requestId === a.headers["x-request-id"]);
    await waitFor("both checkouts' request lines", () => [won, lost].every((a) => byRequest(a).some((l) => l.msg === "request")), 10_000, 20);
    const logs = stack.server.logs();
    expect(byRequest(won)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: "checkout", strategy: "batched", attempts: 1, outcome: "created", orderId: orderIdOf(won), ms: expect.any(Number) }),
        expect.objectContaining({ msg: "request", method: "POST", path: "/api/orders", status: 201, service: "stockroom", level: 30 }),
      ]),
    );
    // 0 attempts if the sold-out hint (written just after the winner's batch answered) refused it, 1 if its own batch did.
    expect(byRequest(lost)).toEqual(expect.arrayContaining([expect.objectContaining({ msg: "checkout", outcome: "OUT_OF_STOCK", attempts: expect.any(Number) })]));
    // Every line is JSON with a time and level; a request's id never leaks into another's lines.
    const ids = new Set(logs.filter((l) => l.msg === "checkout").map((l) => l.requestId));
    expect(ids.size).toBe(2);
  });

  it("logs the checkout page's server action under a request id too", async () => {
    const { stack, client, shoppers } = f;
    const [other] = await makeSkus([5], { product: "Ops action product" });
    const shopper = shoppers[0]!;
    await fillCart(shopper, [{ skuId: other!, count: 1 }]);
    const action = await findCheckoutAction(client, shopper);
    const before = stack.server.logs().filter((l) => l.msg === "checkout").length;
    const outcome = await submitCheckout(client, action, shopper, "ops-action-key-1");
    expect(outcome).toMatchObject({ ok: true });
    const checkoutLines = () => stack.server.logs().filter((l) => l.msg === "checkout").length;
    await waitFor("the action's checkout line", () => checkoutLines() > before, 10_000, 20);
    const lines = stack.server.logs().filter((l) => l.msg === "checkout").slice(before);
    expect(lines).toEqual([expect.objectContaining({ outcome: "created", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) })]);
  });
});
