"use client";

import Link from "next/link";
import { useActionState } from "react";
import { claimOrderAction } from "@/app/orders/actions";

type Props = { orderId: string; token: string; email: string; signedIn: boolean };

/**
 * Atop a guest's order: keep this page's link (it is the only way back), and how to move the
 * order into an account: signed in with the order's e-mail, from this link (lib/orders/claim.ts).
 */
export function GuestOrderNote({ orderId, token, email, signedIn }: Props) {
  const [state, claim, claiming] = useActionState(claimOrderAction.bind(null, orderId, token), null);
  const here = `/orders/${orderId}?token=${token}`;
  return (
    <section className="alert info guest-order" aria-label="Guest order" data-testid="guest-order-note">
      <p style={{ margin: 0 }}>
        <strong>Keep this page&apos;s address</strong>: it is the link to your order (bookmark it). Anyone with the link can see, pay or cancel the order.
      </p>
      {signedIn ? (
        <form action={claim} className="row" style={{ marginTop: "0.5rem" }}>
          <button type="submit" className="btn secondary" disabled={claiming}>
            {claiming ? "Adding…" : "Add this order to my account"}
          </button>
          <span className="muted field-hint">Your account&apos;s e-mail must be {email || "the order's e-mail"}.</span>
        </form>
      ) : (
        <p style={{ margin: "0.5rem 0 0" }}>
          To keep it in an account, <Link href={`/register?next=${encodeURIComponent(here)}`} className="inline-link">create one</Link> with the e-mail {email} (or{" "}
          <Link href={`/login?next=${encodeURIComponent(here)}`} className="inline-link">log in</Link>), then come back to this link and add it.
        </p>
      )}
      <div aria-live="polite">
        {state && !state.ok && (
          <p className="alert error" role="alert" style={{ margin: "0.5rem 0 0" }}>
            {state.message}
          </p>
        )}
      </div>
    </section>
  );
}
