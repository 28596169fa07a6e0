import type { SessionUser } from "@/lib/auth/session";
import { currentUser } from "@/lib/auth/current";
import { AppError, ERRORS, type ErrorCode } from "@/lib/errors";
import { toAppError } from "./errors";

/** What every server action form gets back: nothing yet, success, or a readable failure. */
export type ActionState<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[] | undefined>; details?: Record<string, unknown> }
  | null;

export type ActionFailure = Exclude<ActionState<never>, null | { ok: true }>;

export function failure(e: unknown): ActionFailure {
  const error = toAppError(e);
  const { fieldErrors, ...details } = (error.details ?? {}) as { fieldErrors?: Record<string, string[] | undefined> };
  return { ok: false, code: error.code, message: error.message || ERRORS[error.code].message, fieldErrors, details };
}

/**
 * The one door of every server action that needs a user: loads the signed-in user (an admin when
 * `role` says so) or refuses, runs `work`, and turns whatever it throws into the form's answer.
 * Redirects and revalidation belong after it: a redirect thrown inside would be taken for a failure.
 */
export async function asUser<T>(work: (user: SessionUser) => Promise<T>, { role }: { role?: "admin" } = {}): Promise<Exclude<ActionState<T>, null>> {
  try {
    const user = await currentUser();
    if (!user) throw new AppError("UNAUTHENTICATED", { message: "Your session has ended. Please log in again." });
    if (role === "admin" && user.role !== "admin") throw new AppError("FORBIDDEN", { message: "Only admins can do that." });
    return { ok: true, data: await work(user) };
  } catch (e) {
    return failure(e);
  }
}
