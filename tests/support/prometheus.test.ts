import { describe, expect, it } from "vitest";
import { checkoutMetricsFrom, metricsSince, parseExposition } from "./prometheus";

const SCRAPE = `# HELP stockroom_checkouts_total Checkouts answered.
# TYPE stockroom_checkouts_total counter
stockroom_checkouts_total{strategy="batched",outcome="created"} 40
stockroom_checkouts_total{strategy="conditional",outcome="created"} 2
stockroom_checkouts_total{strategy="batched",outcome="OUT_OF_STOCK"} 7
stockroom_checkouts_total{strategy="batched",outcome="BUSY"} 1
stockroom_checkouts_total{strategy="batched",outcome="replayed"} 3
stockroom_checkout_tx_retries_total{strategy="batched"} 2
stockroom_checkout_optimistic_retries_total 5
stockroom_checkout_batch_size_bucket{le="1"} 4
stockroom_checkout_batch_size_bucket{le="2"} 5
stockroom_checkout_batch_size_bucket{le="4"} 6
stockroom_checkout_batch_size_bucket{le="8"} 6
stockroom_checkout_batch_size_bucket{le="16"} 8
stockroom_checkout_batch_size_bucket{le="32"} 8
stockroom_checkout_batch_size_bucket{le="64"} 9
stockroom_checkout_batch_size_bucket{le="+Inf"} 9
stockroom_checkout_batch_size_sum 60
stockroom_checkout_batch_size_count 9
stockroom_http_requests_total{route="/api/orders/[orderId]",method="GET",status="200"} 1
stockroom_http_request_duration_seconds_sum{route="/api/orders",method="POST"} 3.75
stockroom_http_request_duration_seconds_count{route="/api/orders",method="POST"} 50
stockroom_http_request_duration_seconds_sum{route="/api/orders",method="GET"} 0.5
stockroom_http_request_duration_seconds_count{route="/api/orders",method="GET"} 4
process_cpu_seconds_total 12.5
`;

describe("reading /api/metrics back", () => {
  it("parses names, labels (brackets and escapes included) and values", () => {
    const samples = parseExposition(`${SCRAPE}weird{a="x\\"y",b="1\\\\2"} 1.5e3\n`);
    expect(samples.find((s) => s.name === "stockroom_http_requests_total")).toEqual({
      name: "stockroom_http_requests_total",
      labels: { route: "/api/orders/[orderId]", method: "GET", status: "200" },
      value: 1,
    });
    expect(samples.at(-1)).toEqual({ name: "weird", labels: { a: 'x"y', b: "1\\2" }, value: 1500 });
  });

  it("gives the benchmark's counters, batch sizes from the histogram buckets, the server's CPU and the time checkouts held it", () => {
    expect(checkoutMetricsFrom(SCRAPE)).toEqual({
      orders: 42,
      outOfStock: 7,
      busy: 1,
      replays: 3,
      optimisticRetries: 5,
      txRetries: 2,
      batches: 9,
      batchedOrders: 60,
      batchSizes: { "1": 4, "2-4": 2, "5-16": 2, "17-64": 1 },
      cpuSeconds: 12.5,
      orderRequests: 50,
      orderRequestSeconds: 3.75,
    });
  });

  it("subtracts a cell's start from its end", () => {
    const start = checkoutMetricsFrom(SCRAPE);
    const end = checkoutMetricsFrom(SCRAPE.replace('outcome="created"} 40', 'outcome="created"} 50').replace('{le="64"} 9', '{le="64"} 10'));
    expect(metricsSince(start, end)).toMatchObject({ orders: 10, outOfStock: 0, batchSizes: { "1": 0, "2-4": 0, "5-16": 0, "17-64": 1 } });
  });
});
