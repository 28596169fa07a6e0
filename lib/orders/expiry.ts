import "server-only";
import { log } from "@/lib/platform/log";
import { expireOrder, overdueOrderIds, type ExpiryClock } from "./lifecycle";

export type SweepOptions = ExpiryClock & { batchSize?: number; maxBatches?: number };
export type SweepResult = { expired: number; lost: number; failed: number };

/**
 * Cancels and restocks every unpaid order past its deadline, a batch at a time. Safe to run in
 * several processes at once: each order's atomic status move decides who restocks it, and the
 * losers just count it as `lost`. `now` and `ttlSeconds` exist so tests can make orders overdue.
 * Run periodically by lib/sweep.ts.
 */
export async function expireUnpaidOrders({ batchSize = 100, maxBatches = 100, ...clock }: SweepOptions = {}): Promise<SweepResult> {
  const result: SweepResult = { expired: 0, lost: 0, failed: 0 };
  for (let batch = 0; batch < maxBatches; batch++) {
    const ids = await overdueOrderIds(batchSize, clock);
    let progressed = 0;
    for (const id of ids) {
      try {
        if (await expireOrder(id, clock)) result.expired++;
        else result.lost++;
        progressed++;
      } catch (e) {
        // One stuck order must not stop the rest; it is picked up again next sweep.
        result.failed++;
        log.error({ err: e, orderId: id }, "could not expire order");
      }
    }
    // A short batch was the last one; a batch where every order failed would only repeat itself.
    if (ids.length < batchSize || progressed === 0) break;
  }
  if (result.expired > 0 || result.failed > 0) log.info(result, "expired unpaid orders");
  return result;
}
