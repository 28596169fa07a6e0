import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseExposition, sumOf, type Sample } from "./support/prometheus";
import { whenIdle } from "@/lib/platform/shutdown";
import { ctx, makeSkus, makeShopper, makeShoppers, noCtx, fillCart, request } from "./support/fixtures";

const TOKEN = "metrics-test-token-0123456789";

type MetricsRoute = typeof import("@/app/api/metrics/route");
type OrdersRoutes = typeof import("@/app/api/orders/route");
type OrderRoute = typeof import("@/app/api/orders/[orderId]/route");

/** The route modules as a process with this METRICS_TOKEN loads them (lib/platform/env.ts reads the environment once per module instance). */
async function load(token: string | undefined) {
  if (token === undefined) delete process.env.METRICS_TOKEN;
  else process.env.METRICS_TOKEN = token;
  vi.resetModules();
  return {
    metrics: (await import("@/app/api/metrics/route")) as MetricsRoute,
    orders: (await import("@/app/api/orders/route")) as OrdersRoutes,
    order: (await import("@/app/api/orders/[orderId]/route")) as OrderRoute,
  };
}

afterAll(() => {
  delete process.env.METRICS_TOKEN;
});

describe("GET /api/metrics", () => {
  it("is a 404 while METRICS_TOKEN is unset", async () => {
    const { metrics } = await load(undefined);
    const res = await metrics.GET(request("/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("wants the bearer token: 401 UNAUTHENTICATED without it or with a wrong one", async () => {
    const { metrics } = await load(TOKEN);
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer wrong-token-wrong-token" }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      const res = await metrics.GET(request("/api/metrics", { headers }));
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("UNAUTHENTICATED");
      expect(body.error.message).toEqual(expect.any(String));
    }
    const ok = await metrics.GET(request("/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    for (const name of [
      "stockroom_checkouts_total",
      "stockroom_checkout_duration_seconds",
      "stockroom_checkout_batch_size",
      "stockroom_checkout_tx_retries_total",
      "stockroom_soldout_refusals_total",
      "stockroom_http_requests_total",
      "stockroom_db_pool_connections",
      "stockroom_redis_up",
      "process_cpu_seconds_total",
      "nodejs_eventloop_lag_seconds",
    ])
      expect(text).toContain(`# TYPE ${name} `);
  });
});

// The routes are loaded afresh (vi.resetModules), as Next loads lib/ once per bundle: the counters
// still land in the one registry of the process.
describe("metrics after mixed checkouts", () => {
  let routes: Awaited<ReturnType<typeof load>>;
  beforeAll(async () => {
    routes = await load(TOKEN);
  });

  const scrape = async (): Promise<Sample[]> => {
    const res = await routes.metrics.GET(request("/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };

  it("move by exactly what was done: 3 created, 2 sold out (by the hints), 1 replay, 1 empty cart, and the requests", async () => {
    const [skuId] = await makeSkus([3]);
    const buyers = await makeShoppers(5);
    const empty = await makeShopper();
    const before = await scrape();

    const post = (user: { cookie: string; addressId: number }, key: string) =>
      routes.orders.POST(
        request("/api/orders", { method: "POST", cookie: user.cookie, headers: { "idempotency-key": key }, body: { addressId: user.addressId, payMethod: "cod" } }),
        noCtx,
      );
    const statuses: number[] = [];
    const keys: string[] = [];
    for (const buyer of buyers) {
      await fillCart(buyer, [{ skuId: skuId!, count: 1 }]);
      keys.push(randomUUID());
      statuses.push((await post(buyer, keys.at(-1)!)).status);
      // The third order empties the SKU; its sold-out hint is written after the answer, as tracked work.
      await whenIdle(5_000);
    }
    expect(statuses).toEqual([201, 201, 201, 409, 409]);
    const replay = await post(buyers[0]!, keys[0]!);
    expect(replay.status).toBe(200);
    const { order } = (await replay.json()) as { order: { orderId: string } };
    expect((await post(empty, randomUUID())).status).toBe(400);
    // Requests that are no checkout: a guest's with no cart and no address, two order reads (one pattern, never the raw id), a list.
    expect((await routes.orders.POST(request("/api/orders", { method: "POST", body: {} }), noCtx)).status).toBe(400);
    for (let i = 0; i < 2; i++)
      expect((await routes.order.GET(request(`/api/orders/${order.orderId}`, { cookie: buyers[0]!.cookie }), ctx({ orderId: order.orderId }))).status).toBe(200);
    expect((await routes.orders.GET(request("/api/orders", { cookie: buyers[0]!.cookie }), noCtx)).status).toBe(200);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sumOf(after, name, labels) - sumOf(before, name, labels);
    const checkouts = (outcome: string) => moved("stockroom_checkouts_total", { strategy: "batched", outcome });
    expect(checkouts("created")).toBe(3);
    expect(checkouts("OUT_OF_STOCK")).toBe(2);
    expect(checkouts("replayed")).toBe(1);
    expect(checkouts("EMPTY_CART")).toBe(1);
    expect(moved("stockroom_checkouts_total")).toBe(7);
    expect(moved("stockroom_checkout_duration_seconds_count", { strategy: "batched" })).toBe(7);
    expect(moved("stockroom_soldout_refusals_total")).toBe(2);
    // One batch of one per winner (sequential buyers); the losers were stopped by the hints, the
    // replay and the empty cart before any transaction.
    expect(moved("stockroom_checkout_batch_size_count")).toBe(3);
    expect(moved("stockroom_checkout_batch_size_bucket", { le: "1" })).toBe(3);
    expect(moved("stockroom_checkout_batch_size_sum")).toBe(3);
    expect(moved("stockroom_checkout_tx_retries_total")).toBe(0);

    const http = (status: string, route = "/api/orders", method = "POST") => moved("stockroom_http_requests_total", { route, method, status });
    expect(http("201")).toBe(3);
    expect(http("409")).toBe(2);
    expect(http("200")).toBe(1);
    expect(http("400")).toBe(2);
    expect(http("401")).toBe(0);
    expect(http("200", "/api/orders/[orderId]", "GET")).toBe(2);
    expect(http("200", "/api/orders", "GET")).toBe(1);
    expect(moved("stockroom_http_requests_total")).toBe(11);
    expect(after.some((s) => s.labels.route?.includes(order.orderId))).toBe(false);

    expect(sumOf(after, "stockroom_redis_up")).toBe(1);
    expect(sumOf(after, "stockroom_db_pool_connections", { state: "idle" }) + sumOf(after, "stockroom_db_pool_connections", { state: "in_use" })).toBeGreaterThan(0);
  });
});
