"use client";

import type { ActionState } from "@/lib/web/action";

export { FieldError } from "@/app/admin/ui/Field";
export { fromLocalInput, toLocalInput } from "@/app/admin/ui/local-time";

/** A refusal that belongs at a field (a taken name or code) as that field's error. */
export function fieldErrorsOf<T>(state: ActionState<T>, byCode: Partial<Record<string, string>> = {}): Record<string, string[] | undefined> | undefined {
  if (!state || state.ok) return undefined;
  if (state.fieldErrors) return state.fieldErrors;
  const field = byCode[state.code];
  return field ? { [field]: [state.message] } : undefined;
}

/** The form's answer: a success line, or a refusal not about one field, once. */
export function Outcome<T>({ state, fieldErrors, success }: { state: ActionState<T>; fieldErrors?: Record<string, string[] | undefined>; success?: string }) {
  return (
    <div aria-live="polite">
      {state?.ok && success && (
        <p className="alert success" role="status">
          {success}
        </p>
      )}
      {state && !state.ok && !fieldErrors && (
        <p className="alert error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}
