"use client";

import { useActionState, useState } from "react";
import { placeGuestOrderAction } from "@/app/checkout/actions";
import type { ActionState } from "@/lib/web/action";
import { AddressFields, EMPTY_ADDRESS } from "./AddressFields";
import { PayMethods, Refusal } from "./CheckoutForm";

type Props = { idempotencyKey: string; cartRevision: string; blocked: boolean; submitLabel?: string };

/**
 * A guest's checkout, one screen: e-mail, where to deliver, how to pay, Place order. Controlled
 * fields, so a refusal keeps everything typed; the same key on a resubmit makes at most one order.
 */
export function GuestCheckoutForm({ idempotencyKey, cartRevision, blocked, submitLabel = "Place order" }: Props) {
  const [email, setEmail] = useState("");
  const [address, setAddress] = useState(EMPTY_ADDRESS);
  const [state, action, pending] = useActionState(async (prev: ActionState, form: FormData) => placeGuestOrderAction(prev, form), null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const emailError = errors?.email?.[0];
  return (
    <form action={action} className="stack guest-checkout" style={{ marginTop: "1.5rem" }} noValidate aria-label="Guest checkout">
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <input type="hidden" name="cartRevision" value={cartRevision} />
      <div aria-live="assertive">
        {state && !state.ok && (
          <div className="alert error" role="alert">
            {state.code === "VALIDATION" ? <p style={{ margin: 0 }}>Nothing was ordered yet: check the fields marked below.</p> : <Refusal state={state} />}
          </div>
        )}
      </div>
      <section aria-labelledby="contact-heading" className="form checkout-fields">
        <h2 id="contact-heading" style={{ marginTop: 0 }}>Contact</h2>
        <div className="field">
          <label htmlFor="guest-email">E-mail</label>
          <input
            id="guest-email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={emailError ? true : undefined}
            aria-describedby={["guest-email-hint", emailError ? "guest-email-error" : ""].filter(Boolean).join(" ")}
          />
          <span id="guest-email-hint" className="field-hint">
            Your order&apos;s link goes with it; register later with this e-mail to keep the order in an account.
          </span>
          {emailError && (
            <span id="guest-email-error" className="field-error">
              {emailError}
            </span>
          )}
        </div>
        <h2 id="delivery-heading">Delivery</h2>
        <AddressFields idPrefix="ship" values={address} onChange={setAddress} errors={errors} omit={["email"]} />
      </section>
      <PayMethods />
      <div>
        <button type="submit" className="btn place-order" disabled={pending || blocked}>
          {pending ? "Placing order…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
