"use client";

import { useActionState, useEffect, useState } from "react";
import { cancelOrderAction, payOrderAction } from "@/app/orders/actions";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import type { OrderStatus, PayMethod } from "@/db/schema";

/** `token`: a guest's order, moved through its signed link. */
type Props = { orderId: string; orderNumber: string; status: OrderStatus; payMethod: PayMethod; secondsLeft: number; token?: string };

/**
 * Counts down from the server's figure with the browser's monotonic clock, so a wrong clock on
 * the shopper's machine cannot show the wrong time left.
 */
function useSecondsLeft(initial: number) {
  const [left, setLeft] = useState(initial);
  useEffect(() => {
    const started = performance.now();
    const timer = setInterval(() => {
      const next = Math.max(0, initial - Math.floor((performance.now() - started) / 1000));
      setLeft(next);
      if (next === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [initial]);
  return left;
}

const mmss = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

export function OrderActions({ orderId, orderNumber, status, payMethod, secondsLeft, token }: Props) {
  const [payState, pay, paying] = useActionState(payOrderAction.bind(null, orderId, token ?? null), null);
  const [cancelState, cancel, cancelling] = useActionState(cancelOrderAction.bind(null, orderId, token ?? null), null);
  const left = useSecondsLeft(secondsLeft);
  const canPay = status === "unpaid" && payMethod === "online" && left > 0;
  const canCancel = status === "unpaid" || status === "awaiting_shipment";
  const error = [payState, cancelState].find((s) => s && !s.ok);
  const busy = paying || cancelling;

  return (
    <section aria-label="Order actions" className="stack" style={{ margin: "1rem 0" }}>
      <div aria-live="polite">
        {error && !error.ok && (
          <p className="alert error" role="alert">
            {error.message}
          </p>
        )}
        {payState?.ok && status === "paid" && (
          <p className="alert success" role="status">
            Payment received. Thank you!
          </p>
        )}
        {cancelState?.ok && status === "cancelled" && (
          <p className="alert success" role="status">
            Order cancelled. Its items are back on sale.
          </p>
        )}
      </div>
      {status === "unpaid" && (
        <p className="alert info" style={{ margin: 0 }}>
          {left > 0 ? (
            <>
              Time left to pay:{" "}
              <strong role="timer" data-testid="pay-countdown">
                {mmss(left)}
              </strong>
              . After that the order is cancelled and its items go back on sale.
            </>
          ) : (
            "The time to pay ran out. This order is being cancelled."
          )}
        </p>
      )}
      {(canPay || canCancel) && (
        <div className="row">
          {canPay && (
            <form action={pay} className="pay-form">
              <button type="submit" className="btn" disabled={busy} aria-describedby="pay-simulated">
                {paying ? "Paying…" : "Pay now (simulated)"}
              </button>
              <span id="pay-simulated" className="muted field-hint">
                A demo payment: no card is asked for or charged.
              </span>
            </form>
          )}
          {canCancel && (
            <ConfirmDialog
              triggerLabel="Cancel order"
              pendingLabel="Cancelling…"
              title={`Cancel order ${orderNumber}?`}
              description={
                <p style={{ margin: 0 }}>
                  {status === "unpaid" ? "Nothing has been paid." : "It has not shipped yet."} Its items go back on sale, and this cannot be undone.
                </p>
              }
              confirmLabel="Yes, cancel it"
              dismissLabel="Keep order"
              action={cancel}
              pending={cancelling}
              disabled={busy}
            />
          )}
        </div>
      )}
    </section>
  );
}
