import type { Shopper } from "./fixtures";
import type { HttpClient } from "./http";
import type { Outcome } from "./load";

/** The server's checkout counters (lib/orders/metrics.ts), as /api/bench/metrics returns them. */
export type CheckoutMetrics = {
  orders: number;
  outOfStock: number;
  busy: number;
  replays: number;
  optimisticRetries: number;
  txRetries: number;
  /** Batched strategy only: transactions run, orders they carried, and how many batches had 1, 2-4, 5-16, 17-64 orders. */
  batches?: number;
  batchedOrders?: number;
  batchSizes?: Record<string, number>;
};

/**
 * Where orders go: over HTTP to a `next start` server (HttpOrders), or straight into placeOrder
 * in this process (ServiceOrders in ./service.ts).
 */
export interface Target {
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
  constructor(readonly client: HttpClient) {}

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
    const res = await this.client.request("POST", "/api/bench/metrics");
    if (res.status !== 200) throw new Error(`POST /api/bench/metrics answered ${res.status}; is BENCH_METRICS=1 set on the server?`);
  }

  async readMetrics(): Promise<CheckoutMetrics> {
    const res = await this.client.request("GET", "/api/bench/metrics");
    if (res.status !== 200) throw new Error(`GET /api/bench/metrics answered ${res.status}`);
    return JSON.parse(res.body) as CheckoutMetrics;
  }
}

/** The framework floor: same headers and body as an order, to a route that does nothing. */
export async function noop(client: HttpClient, shopper: Shopper, idempotencyKey: string): Promise<Outcome> {
  const res = await client.request(
    "POST",
    "/api/bench/noop",
    { "content-type": "application/json", cookie: shopper.cookie, "idempotency-key": idempotencyKey },
    JSON.stringify({ addressId: shopper.addressId, payMethod: "cod" }),
  );
  return { code: String(res.status), ok: res.status === 200 };
}
