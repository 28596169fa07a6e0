"use client";

import { useActionState, useState } from "react";
import { addAddressAction, updateAddressAction } from "@/app/checkout/actions";
import { SubmitButton } from "@/app/components/SubmitButton";
import type { ActionState } from "@/lib/web/action";
import { AddressFields, ADDRESS_FIELDS, EMPTY_ADDRESS, type AddressValues } from "./AddressFields";

type Props = {
  /** Editing a saved address: its id and what it holds now. Else a new address. */
  editing?: { id: number; values: AddressValues };
  onDone?: () => void;
};

/** What was typed stays after an error; a new address saved empties the form for the next one. */
export function AddressForm({ editing, onDone }: Props) {
  const [values, setValues] = useState(editing?.values ?? EMPTY_ADDRESS);
  const [state, action] = useActionState(async (prev: ActionState, form: FormData) => {
    const result = editing ? await updateAddressAction(editing.id, prev, form) : await addAddressAction(prev, form);
    if (result?.ok) {
      if (!editing) setValues(EMPTY_ADDRESS);
      onDone?.();
    }
    return result;
  }, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const summary = state && !state.ok && !ADDRESS_FIELDS.some((f) => errors?.[f.name]?.[0]) ? state.message : null;
  const prefix = editing ? `address-${editing.id}` : "address";
  return (
    <form action={action} className="form address-form" aria-label={editing ? `Edit the address of ${editing.values.name}` : "New delivery address"} noValidate>
      <div aria-live="polite">
        {summary && (
          <p className="alert error" role="alert">
            {summary}
          </p>
        )}
        {state?.ok && !editing && (
          <p className="alert success" role="status">
            Address saved.
          </p>
        )}
      </div>
      <AddressFields idPrefix={prefix} values={values} onChange={setValues} errors={errors} />
      <SubmitButton className="btn secondary" pendingLabel="Saving address…">
        {editing ? "Save changes" : "Save address"}
      </SubmitButton>
    </form>
  );
}
