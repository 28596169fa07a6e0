import type { Shopper } from "./fixtures";
import { HttpClient } from "./http";
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

/**
 * Runs `fn` once on each of the server's `workers` processes. The launcher hands each new
 * connection to a worker and keep-alive keeps a connection on its worker, so: open connections
 * until one per worker (told apart by the pid /api/health reports) is found.
 */
export async function onEveryWorker<T>(base: URL, workers: number, fn: (client: HttpClient) => Promise<T>): Promise<T[]> {
  const found = new Map<number, HttpClient>();
  const opened: HttpClient[] = [];
  try {
    for (let i = 0; i < 20 * workers && found.size < workers; i++) {
      const client = new HttpClient(base, 1);
      opened.push(client);
      const res = await client.request("GET", "/api/health");
      const pid = (JSON.parse(res.body) as { pool?: { worker?: number } }).pool?.worker;
      if (res.status !== 200 || pid === undefined) throw new Error(`GET /api/health answered ${res.status}`);
      if (!found.has(pid)) found.set(pid, client);
    }
    if (found.size < workers) throw new Error(`reached ${found.size} of ${workers} workers at ${base.origin}`);
    return await Promise.all([...found.values()].map(fn));
  } finally {
    for (const c of opened) c.close();
  }
}

/** Every worker's counters added up: each worker counts only the orders it served. */
export function sumMetrics(all: CheckoutMetrics[]): CheckoutMetrics {
  const total: CheckoutMetrics = { orders: 0, outOfStock: 0, busy: 0, replays: 0, optimisticRetries: 0, txRetries: 0 };
  for (const m of all) {
    for (const k of ["orders", "outOfStock", "busy", "replays", "optimisticRetries", "txRetries"] as const) total[k] += m[k];
    if (m.batches !== undefined) {
      total.batches = (total.batches ?? 0) + m.batches;
      total.batchedOrders = (total.batchedOrders ?? 0) + (m.batchedOrders ?? 0);
      total.batchSizes ??= {};
      for (const [size, n] of Object.entries(m.batchSizes ?? {})) total.batchSizes[size] = (total.batchSizes[size] ?? 0) + n;
    }
  }
  return total;
}

/** POST /api/orders, exactly as an API client would. */
export class HttpOrders implements Target {
  constructor(
    readonly client: HttpClient,
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
    const reset = async (client: HttpClient) => {
      const res = await client.request("POST", "/api/bench/metrics");
      if (res.status !== 200) throw new Error(`POST /api/bench/metrics answered ${res.status}; is BENCH_METRICS=1 set on the server?`);
    };
    if (this.workers === 1) await reset(this.client);
    else await onEveryWorker(this.client.base, this.workers, reset);
  }

  async readMetrics(): Promise<CheckoutMetrics> {
    const read = async (client: HttpClient) => {
      const res = await client.request("GET", "/api/bench/metrics");
      if (res.status !== 200) throw new Error(`GET /api/bench/metrics answered ${res.status}`);
      return JSON.parse(res.body) as CheckoutMetrics;
    };
    return this.workers === 1 ? read(this.client) : sumMetrics(await onEveryWorker(this.client.base, this.workers, read));
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
