import { env, type CheckoutStrategy } from "@/lib/platform/env";
import { AppError, isRetryable, sqlErrno } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { recordTxRetry } from "./metrics";

/** Jittered exponential backoff: ~10, 20, 40 ms ceilings, spread so retries do not collide again. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

/**
 * Runs a whole transaction again when it lost a deadlock or timed out waiting for a lock (or
 * failed as `alsoRetry` says it may be run again), with jittered backoff, at most
 * CHECKOUT_MAX_ATTEMPTS times; then 503 BUSY. Anything else is thrown as it is: validation and
 * stock failures are never retried.
 */
export async function retryOnContention<T>(
  what: string,
  run: (attempt: number) => Promise<T>,
  alsoRetry?: (e: unknown) => boolean,
  /** The checkout strategy whose retries stockroom_checkout_tx_retries_total counts (none: not a checkout). */
  strategy?: CheckoutStrategy,
): Promise<T> {
  const maxAttempts = env().CHECKOUT_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (e) {
      if (!isRetryable(e) && !alsoRetry?.(e)) throw e;
      if (attempt >= maxAttempts) throw busy(what, attempt, e);
      if (strategy) recordTxRetry(strategy);
      await backoff(attempt);
    }
  }
}

export function busy(what: string, attempts: number, cause: unknown): AppError {
  log.warn({ what, attempts, errno: sqlErrno(cause) }, "gave up: contention");
  return new AppError("BUSY", { retryAfter: 1 });
}
