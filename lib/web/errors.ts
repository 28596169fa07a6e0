import { z } from "zod";
import { AppError, ERRORS, isAppError, isConnectionError } from "@/lib/errors";
import { log } from "@/lib/platform/log";

export function validationError(error: z.ZodError): AppError {
  const fieldErrors = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  const first = Object.values(fieldErrors).flat()[0] ?? error.issues[0]?.message ?? ERRORS.VALIDATION.message;
  return new AppError("VALIDATION", { message: first, details: { fieldErrors } });
}

/**
 * What a route or a server action answers for anything thrown: an AppError as it is, invalid
 * input as VALIDATION, a lost database as DB_UNAVAILABLE, the rest as INTERNAL. Only the
 * unexpected are logged with detail.
 */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  if (e instanceof z.ZodError) return validationError(e);
  if (isConnectionError(e)) {
    log.error({ err: e }, "database unavailable");
    return new AppError("DB_UNAVAILABLE", { retryAfter: 5 });
  }
  log.error({ err: e }, "unhandled error");
  return new AppError("INTERNAL");
}
