import { AppError } from "@/lib/errors";
import { metrics } from "@/lib/platform/metrics/registry";
import { placeOrder } from "@/lib/orders/checkout";
import type { Shopper } from "@/tests/support/fixtures";
import type { Outcome } from "./load";
import type { Strategy } from "./options";
import { checkoutMetricsFrom, metricsSince, type CheckoutMetrics } from "@/tests/support/prometheus";
import type { Target } from "./targets";

/**
 * The service path: placeOrder in this process with the strategy as an argument, no HTTP, no
 * session lookup, no JSON. What the route handler does after authenticating, and nothing else.
 * Outcomes are named as the route would answer them ("201", "409 OUT_OF_STOCK", ...); anything
 * that is not an AppError is a bug and surfaces as "ERR ...", which fails the cell.
 */
export class ServiceOrders implements Target {
  readonly workers = 1;

  constructor(readonly strategy: Strategy) {}

  async order(shopper: Shopper, idempotencyKey: string): Promise<Outcome> {
    try {
      const { created } = await placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey }, this.strategy);
      return created ? { code: "201", ok: true } : { code: "200", ok: false };
    } catch (e) {
      if (e instanceof AppError) return { code: `${e.status} ${e.code}`, ok: false };
      throw e;
    }
  }

  private before?: CheckoutMetrics;

  /** The counters as this process's registry holds them: the same exposition a server's /api/metrics answers. */
  private async counters(): Promise<CheckoutMetrics> {
    return checkoutMetricsFrom(await metrics().registry.metrics());
  }

  async resetMetrics() {
    this.before = await this.counters();
  }

  async readMetrics(): Promise<CheckoutMetrics> {
    const now = await this.counters();
    return metricsSince(this.before ?? now, now);
  }
}
