import { z } from "zod";
import { AppError, ERRORS, isAppError, isConnectionError, type ErrorCode } from "@/lib/errors";
import { validationError } from "@/lib/web/http";
import { log } from "@/lib/platform/log";

/** What every server action form gets back: nothing yet, success, or a readable failure. */
export type ActionState<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[] | undefined>; details?: Record<string, unknown> }
  | null;

export function failure(e: unknown): Exclude<ActionState<never>, null | { ok: true }> {
  let error: AppError;
  if (e instanceof z.ZodError) error = validationError(e);
  else if (isAppError(e)) error = e;
  else if (isConnectionError(e)) {
    log.error({ err: e }, "database unavailable");
    error = new AppError("DB_UNAVAILABLE");
  } else {
    log.error({ err: e }, "server action failed");
    error = new AppError("INTERNAL");
  }
  const { fieldErrors, ...details } = (error.details ?? {}) as { fieldErrors?: Record<string, string[] | undefined> };
  return { ok: false, code: error.code, message: error.message || ERRORS[error.code].message, fieldErrors, details };
}
