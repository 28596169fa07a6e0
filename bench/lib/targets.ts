import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Shopper } from "@/tests/support/fixtures";
import type { HttpClient } from "@/tests/support/http";
import type { Outcome } from "./load";
import { TEST_METRICS_TOKEN, checkoutMetricsFrom, metricsSince, type CheckoutMetrics } from "@/tests/support/prometheus";
import { LOG_DIR } from "./server";


/**
 * Where orders go: over HTTP to a `next start` server (HttpOrders), or straight into placeOrder
 * in this process (ServiceOrders in ./service.ts).
 */
export interface Target {
  /** Server processes taking the orders (the launcher's workers); 1 in service mode. */
  readonly workers: number;
  order(shopper: Shopper, idempotencyKey: string): Promise<Outcome>;
  resetMetrics(): Promise<void>;
  readMetrics(): Promise<CheckoutMetrics>;
}

const codeOf = (status: number, body: string) => {
  try {
    const code = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
    return code ? `${status} ${code}` : String(status);
  } catch {
    return String(status);
  }
};

/** POST /api/orders, exactly as an API client would. */
export class HttpOrders implements Target {
  /** The counters when the cell started: Prometheus counters only go up, so a cell is a difference. */
  private since: CheckoutMetrics | null = null;

  constructor(
    readonly client: HttpClient,
    /** Worker processes behind the port; one scrape covers them all (the launcher's primary sums them). */
    readonly workers = 1,
  ) {}

  async order(shopper: Shopper, idempotencyKey: string): Promise<Outcome> {
    const res = await this.client.request(
      "POST",
      "/api/orders",
      { "content-type": "application/json", cookie: shopper.cookie, "idempotency-key": idempotencyKey },
      JSON.stringify({ addressId: shopper.addressId, payMethod: "cod" }),
    );
    return res.status === 201 ? { code: "201", ok: true } : { code: codeOf(res.status, res.body), ok: false };
  }

  async resetMetrics() {
    this.since = await this.scrape();
  }

  async readMetrics(): Promise<CheckoutMetrics> {
    if (!this.since) throw new Error("readMetrics() before resetMetrics()");
    return metricsSince(this.since, await this.scrape());
  }

  private async scrape(): Promise<CheckoutMetrics> {
    const res = await this.client.request("GET", "/api/metrics", { authorization: `Bearer ${TEST_METRICS_TOKEN}` });
    if (res.status !== 200) throw new Error(`GET /api/metrics answered ${res.status}; is METRICS_TOKEN set on the server?`);
    // The last scrape, as Prometheus would see it, for the record (bench/results/logs/).
    await writeFile(path.join(LOG_DIR, `metrics-${this.client.base.port}.prom`), res.body).catch(() => {});
    return checkoutMetricsFrom(res.body);
  }
}

/**
 * The framework floor: same headers and body as an order, to a route that does nothing; with
 * `waitMs`, to the route that holds the request that long first (/api/bench/wait).
 */
export async function noop(client: HttpClient, shopper: Shopper, idempotencyKey: string, waitMs?: number): Promise<Outcome> {
  const res = await client.request(
    "POST",
    waitMs === undefined ? "/api/bench/noop" : `/api/bench/wait?ms=${waitMs}`,
    { "content-type": "application/json", cookie: shopper.cookie, "idempotency-key": idempotencyKey },
    JSON.stringify({ addressId: shopper.addressId, payMethod: "cod" }),
  );
  return { code: String(res.status), ok: res.status === 200 };
}
