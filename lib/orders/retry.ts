import { ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT, sqlErrno } from "@/lib/errors";

const RETRYABLE = new Set([ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT]);

/** Deadlock or lock-wait timeout: the transaction was rolled back and may simply be run again. */
export const isRetryable = (e: unknown) => RETRYABLE.has(sqlErrno(e) ?? 0);

// The database's own refusals if a guard were ever wrong: out of range (unsigned) and CHECK.
const STOCK_REFUSALS = new Set([1690, 4025, 3819]);
export const isStockRefusal = (e: unknown) => STOCK_REFUSALS.has(sqlErrno(e) ?? 0);

/** Jittered exponential backoff: ~10, 20, 40 ms ceilings, spread so retries do not collide again. */
export const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));
