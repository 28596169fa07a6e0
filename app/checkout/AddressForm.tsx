"use client";

import { useActionState, useState } from "react";
import { addAddressAction } from "@/app/checkout/actions";
import { SubmitButton } from "@/app/components/SubmitButton";
import type { ActionState } from "@/lib/web/action";

const FIELDS = [
  { name: "receiver", label: "Receiver", autoComplete: "name", hint: undefined },
  { name: "phone", label: "Phone", autoComplete: "tel", hint: "Digits, spaces, ( ) or -; a leading + is fine." },
  { name: "region", label: "Region", autoComplete: "address-level1", hint: undefined },
  { name: "detail", label: "Street address", autoComplete: "street-address", hint: undefined },
] as const;
type Field = (typeof FIELDS)[number]["name"];
const EMPTY: Record<Field, string> = { receiver: "", phone: "", region: "", detail: "" };

/** What was typed stays after an error; a saved address empties the form for the next one. */
export function AddressForm() {
  const [values, setValues] = useState(EMPTY);
  const [state, action] = useActionState(async (prev: ActionState, form: FormData) => {
    const result = await addAddressAction(prev, form);
    if (result?.ok) setValues(EMPTY);
    return result;
  }, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const summary = state && !state.ok && !FIELDS.some((f) => errors?.[f.name]?.[0]) ? state.message : null;
  return (
    <form action={action} className="form address-form" aria-label="New delivery address" noValidate>
      <div aria-live="polite">
        {summary && (
          <p className="alert error" role="alert">
            {summary}
          </p>
        )}
        {state?.ok && (
          <p className="alert success" role="status">
            Address saved.
          </p>
        )}
      </div>
      {FIELDS.map((f) => {
        const error = errors?.[f.name]?.[0];
        const described = [f.hint ? `address-${f.name}-hint` : "", error ? `address-${f.name}-error` : ""].filter(Boolean).join(" ");
        return (
          <div className="field" key={f.name}>
            <label htmlFor={`address-${f.name}`}>{f.label}</label>
            <input
              id={`address-${f.name}`}
              name={f.name}
              autoComplete={f.autoComplete}
              required
              value={values[f.name]}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              aria-invalid={error ? true : undefined}
              aria-describedby={described || undefined}
            />
            {f.hint && (
              <span id={`address-${f.name}-hint`} className="field-hint">
                {f.hint}
              </span>
            )}
            {error && (
              <span id={`address-${f.name}-error`} className="field-error">
                {error}
              </span>
            )}
          </div>
        );
      })}
      <SubmitButton className="btn secondary" pendingLabel="Saving address…">
        Save address
      </SubmitButton>
    </form>
  );
}
