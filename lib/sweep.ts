import "server-only";
import { purgeExpiredSessions } from "@/lib/auth/session";
import { expireUnpaidOrders, type SweepOptions, type SweepResult } from "@/lib/orders/expiry";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";

/**
 * The periodic sweep: the housekeeping of several domains, each owning its own rule (orders:
 * when an unpaid order expires; auth: when a session ends). The in-server sweeper below and
 * `npm run sweep` (scripts/sweep.ts) both run exactly `sweep`, so they cannot drift apart.
 */

export type SweepReport = { orders: SweepResult; sessionsPurged: number };

/** One pass: overdue unpaid orders cancelled and restocked, then expired sessions deleted. */
export async function sweep(options: SweepOptions = {}): Promise<SweepReport> {
  const orders = await expireUnpaidOrders(options);
  const sessionsPurged = await purgeExpiredSessions({ now: options.now });
  if (sessionsPurged > 0) log.info({ sessionsPurged }, "purged expired sessions");
  return { orders, sessionsPurged };
}

const globalForSweeper = globalThis as unknown as { stockroomSweeper?: NodeJS.Timeout };

/**
 * Runs `sweep` every SWEEP_INTERVAL seconds in this process (0 turns it off). The timer is
 * unref'd so it never keeps a process alive, and a slow sweep is never overlapped by the next.
 */
export function startSweeper(intervalSeconds = env().SWEEP_INTERVAL): boolean {
  if (intervalSeconds <= 0 || globalForSweeper.stockroomSweeper) return false;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .catch((e: unknown) => log.error({ err: e }, "sweep failed"))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  globalForSweeper.stockroomSweeper = timer;
  log.info({ intervalSeconds, ttlSeconds: env().ORDER_PAYMENT_TTL }, "sweeper started");
  return true;
}

export function stopSweeper() {
  clearInterval(globalForSweeper.stockroomSweeper);
  globalForSweeper.stockroomSweeper = undefined;
}
