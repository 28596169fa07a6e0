"use client";

import type { ActionState } from "@/lib/web/action";

/** A field's first error, said at the field (its input points here with aria-describedby). */
export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {errors[0]}
    </span>
  );
}

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

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** An ISO instant as a datetime-local value in the admin's time zone ("2026-12-24T18:00", seconds if any). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() ? `${base}:${pad(d.getSeconds())}` : base;
}

/** A datetime-local value, read in the admin's time zone, as ISO 8601 with their offset; blank stays blank. */
export function fromLocalInput(value: string): string {
  const d = new Date(value);
  if (!value || Number.isNaN(d.getTime())) return value;
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${zone}`;
}
