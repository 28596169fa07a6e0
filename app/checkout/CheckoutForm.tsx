"use client";

import { useActionState } from "react";
import { placeOrderAction } from "@/app/checkout/actions";
import { LaunchTime } from "@/app/components/LaunchTime";
import type { ActionState } from "@/lib/web/action";
import type { AddressView } from "@/lib/orders/addresses";
import { SavedAddress } from "./AddressBook";
import { LineFix } from "./LineFix";

type ShortLine = { skuId: number; name: string; requested: number; available: number };
type WaitingLine = { skuId: number; name: string; startsAt: string };

/** A refused order, said once: the message, and per line what only a list can say well. */
export function Refusal({ state }: { state: Exclude<ActionState, null | { ok: true }> }) {
  const lines = state.details?.lines;
  if (state.code === "SALE_NOT_STARTED" && Array.isArray(lines))
    return (
      <>
        <p style={{ margin: 0 }}>Nothing was ordered: {lines.length === 1 ? "an item is" : "some items are"} not on sale yet.</p>
        <ul style={{ margin: "0.5rem 0 0" }}>
          {(lines as WaitingLine[]).map((l) => (
            <li key={l.skuId}>
              {l.name} goes on sale on <LaunchTime iso={l.startsAt} />.
            </li>
          ))}
        </ul>
      </>
    );
  const short = state.code === "OUT_OF_STOCK" ? (lines as ShortLine[] | undefined) : undefined;
  if (short && short.length > 0)
    // The server's sentence names each short line once; under it, each line's one-click fix.
    return (
      <>
        <p style={{ margin: 0 }}>Nothing was ordered. {state.message}</p>
        <ul className="refusal-lines">
          {short.map((l) => (
            <li key={l.skuId}>
              {l.name}: <LineFix skuId={l.skuId} name={l.name} available={l.available} />
            </li>
          ))}
        </ul>
      </>
    );
  return (
    <>
      {/* PURCHASE_LIMIT_REACHED's message already names each line, its limit and what the shopper has. */}
      <p style={{ margin: 0 }}>{state.message}</p>
    </>
  );
}

type Props = { addresses: AddressView[]; idempotencyKey: string; cartRevision: string; submitLabel?: string };

export function CheckoutForm({ addresses, idempotencyKey, cartRevision, submitLabel = "Place order" }: Props) {
  const [state, action, pending] = useActionState(placeOrderAction, null);
  return (
    <>
      {/* Outside the form: each address has forms of its own (edit, make default, remove); its radio belongs to the checkout form by id. */}
      <fieldset className="variants" style={{ marginTop: "1.5rem" }}>
        <legend>Delivery address</legend>
        {addresses.length === 0 && <p className="muted" style={{ margin: 0 }}>Save an address above to place your order.</p>}
        {addresses.map((a, i) => (
          <SavedAddress key={a.id} address={a} checked={i === 0} />
        ))}
      </fieldset>
    <form action={action} id="checkout-form" className="stack" style={{ marginTop: "1.5rem" }}>
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {/* The cart as this page shows it: if another tab buys it first, this submit is sent to that order. */}
      <input type="hidden" name="cartRevision" value={cartRevision} />
      <div aria-live="assertive">
        {state && !state.ok && (
          <div className="alert error" role="alert">
            <Refusal state={state} />
          </div>
        )}
      </div>
      <PayMethods />
      <div>
        <button type="submit" className="btn place-order" disabled={pending || addresses.length === 0}>
          {pending ? "Placing order…" : submitLabel}
        </button>
      </div>
    </form>
    </>
  );
}

export function PayMethods() {
  return (
    <fieldset className="variants">
      <legend>Payment</legend>
      <label className="variant">
        <input type="radio" name="payMethod" value="online" defaultChecked />
        Pay online <span className="muted">(a simulated payment: no card is charged)</span>
      </label>
      <label className="variant">
        <input type="radio" name="payMethod" value="cod" />
        Cash on delivery
      </label>
    </fieldset>
  );
}
