"use client";

import { useActionState } from "react";
import { addAddressAction } from "@/app/actions/checkout";

const FIELDS = [
  { name: "receiver", label: "Receiver", autoComplete: "name" },
  { name: "phone", label: "Phone", autoComplete: "tel" },
  { name: "region", label: "Region", autoComplete: "address-level1" },
  { name: "detail", label: "Street address", autoComplete: "street-address" },
] as const;

export function AddressForm() {
  const [state, action, pending] = useActionState(addAddressAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="form" style={{ marginTop: "1rem" }}>
      <div aria-live="polite">
        {state && !state.ok && (
          <p className="alert error" role="alert">
            {state.message}
          </p>
        )}
        {state?.ok && (
          <p className="alert success" role="status">
            Address saved.
          </p>
        )}
      </div>
      {FIELDS.map((f) => (
        <div className="field" key={f.name}>
          <label htmlFor={`address-${f.name}`}>{f.label}</label>
          <input id={`address-${f.name}`} name={f.name} autoComplete={f.autoComplete} required />
          {errors?.[f.name] && <span className="field-error">{errors[f.name]![0]}</span>}
        </div>
      ))}
      <button type="submit" className="btn secondary" disabled={pending}>
        Save address
      </button>
    </form>
  );
}
