"use client";

import { useActionState, useState } from "react";
import { deleteAddressAction, makeDefaultAddressAction } from "@/app/checkout/actions";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import type { AddressView } from "@/lib/orders/addresses";
import { oneLineAddress } from "@/lib/orders/address-lines";
import { AddressForm } from "./AddressForm";

/** One saved address in the checkout's list: choose it, edit it in place, make it the default, remove it. */
export function SavedAddress({ address: a, checked }: { address: AddressView; checked: boolean }) {
  const [editing, setEditing] = useState(false);
  const [removeState, remove, removing] = useActionState(deleteAddressAction.bind(null, a.id), null);
  const [defaultState, makeDefault, defaulting] = useActionState(makeDefaultAddressAction.bind(null, a.id), null);
  const failed = [removeState, defaultState].find((s) => s && !s.ok);
  return (
    <div className="saved-address">
      <label className="variant">
        <input type="radio" name="addressId" value={a.id} defaultChecked={checked} required form="checkout-form" />
        <span>
          <strong>{a.name}</strong>
          {a.isDefault && <span className="badge">Default</span>}
          <br />
          {oneLineAddress(a)} · {a.phone}
          {a.email && <> · {a.email}</>}
        </span>
      </label>
      <div className="row address-actions">
        <button type="button" className="btn link" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
          {editing ? "Close" : "Edit"}
          <span className="visually-hidden"> the address of {a.name}</span>
        </button>
        {!a.isDefault && (
          <form action={makeDefault}>
            <button type="submit" className="btn link" disabled={defaulting}>
              {defaulting ? "Saving…" : "Make default"}
              <span className="visually-hidden"> for {a.name}, {a.line1}</span>
            </button>
          </form>
        )}
        <ConfirmDialog
          triggerLabel="Remove"
          triggerClassName="btn link"
          pendingLabel="Removing…"
          title="Remove this address?"
          description={<p style={{ margin: 0 }}>{oneLineAddress(a)}. Orders already placed keep their copy of it.</p>}
          confirmLabel="Yes, remove it"
          dismissLabel="Keep it"
          action={remove}
          pending={removing}
          disabled={removing}
        />
      </div>
      {failed && !failed.ok && (
        <p className="alert error" role="alert">
          {failed.message}
        </p>
      )}
      {editing && (
        <AddressForm
          editing={{ id: a.id, values: { name: a.name, email: a.email, phone: a.phone, country: a.country, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postcode: a.postcode } }}
          onDone={() => setEditing(false)}
        />
      )}
    </div>
  );
}
