import { env } from "@/lib/env";
import { AppError, ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT, sqlErrno } from "@/lib/errors";
import { log } from "@/lib/log";
import { checkoutMetrics } from "./metrics";

const RETRYABLE = new Set([ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT]);

/** Deadlock or lock-wait timeout: the transaction was rolled back and may simply be run again. */
export const isRetryable = (e: unknown) => RETRYABLE.has(sqlErrno(e) ?? 0);

// The database's own refusals if a guard were ever wrong: out of range (unsigned) and CHECK.
const STOCK_REFUSALS = new Set([1690, 4025, 3819]);
export const isStockRefusal = (e: unknown) => STOCK_REFUSALS.has(sqlErrno(e) ?? 0);

/** Jittered exponential backoff: ~10, 20, 40 ms ceilings, spread so retries do not collide again. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

/**
 * Runs a whole transaction again when it lost a deadlock or timed out waiting for a lock (or
 * failed as `alsoRetry` says it may be run again), with jittered backoff, at most
 * CHECKOUT_MAX_ATTEMPTS times; then 503 BUSY. Anything else is thrown as it is: validation and
 * stock failures are never retried.
 */
export async function retryOnContention<T>(what: string, run: (attempt: number) => Promise<T>, alsoRetry?: (e: unknown) => boolean): Promise<T> {
  const maxAttempts = env().CHECKOUT_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (e) {
      if (!isRetryable(e) && !alsoRetry?.(e)) throw e;
      if (attempt >= maxAttempts) throw busy(what, attempt, e);
      checkoutMetrics.txRetries++;
      await backoff(attempt);
    }
  }
}

export function busy(what: string, attempts: number, cause: unknown): AppError {
  checkoutMetrics.busy++;
  log.warn({ what, attempts, errno: sqlErrno(cause) }, "gave up: contention");
  return new AppError("BUSY", undefined, undefined, 1);
}
