"use client";

import { useActionState, useState } from "react";
import { FieldNote, noteOf } from "@/app/admin/ui/Field";
import { StatusAlert } from "@/app/admin/ui/StatusAlert";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import type { OrderStatus } from "@/db/schema";
import { cancelOrderAction, completeOrderAction, shipOrderAction, type MoveState } from "./actions";

type Props = { orderId: string; number: string; status: OrderStatus; payMethod: "cod" | "online" };

const CANCELLABLE: OrderStatus[] = ["unpaid", "awaiting_shipment"];
const SHIPPABLE: OrderStatus[] = ["paid", "awaiting_shipment"];

/**
 * The admin's moves on one order, offered only from the statuses that allow them (the server still
 * decides: a shopper's pay or the sweep may win first, and the refusal says so). Cancel asks first;
 * Ship takes an optional carrier and tracking number, kept when refused.
 */
export function OrderMoves({ orderId, number, status }: Props) {
  const [cancelState, cancel, cancelling] = useActionState<MoveState, FormData>(cancelOrderAction.bind(null, orderId), null);
  const [shipState, ship, shipping] = useActionState<MoveState, FormData>(shipOrderAction.bind(null, orderId), null);
  const [completeState, complete, completing] = useActionState<MoveState, FormData>(completeOrderAction.bind(null, orderId), null);
  const [typed, setTyped] = useState({ carrier: "", trackingNumber: "" });
  const last = [cancelState, shipState, completeState].find((s) => s !== null) ?? null;
  const fieldErrors = shipState && !shipState.ok ? shipState.fieldErrors : undefined;
  const said = (s: MoveState) => (s?.ok ? `Order ${number} ${s.data.status === "cancelled" ? "cancelled; its units are back in stock" : s.data.status}.` : undefined);
  const anything = CANCELLABLE.includes(status) || SHIPPABLE.includes(status) || status === "shipped";

  return (
    <section className="order-card order-moves" aria-labelledby="moves-title">
      <h2 id="moves-title">Actions</h2>
      <StatusAlert success={said(cancelState) ?? said(shipState) ?? said(completeState)} error={last && !last.ok && !fieldErrors ? last.message : undefined} />
      {!anything && <p className="muted">No moves left: this order is {status.replace("_", " ")}.</p>}
      {SHIPPABLE.includes(status) && (
        <form action={ship} className="ship-form" aria-label={`Ship order ${number}`}>
          <label className="field">
            <span>Carrier (optional)</span>
            <input name="carrier" maxLength={64} value={typed.carrier} onChange={(e) => setTyped({ ...typed, carrier: e.target.value })} aria-describedby={noteOf("carrier", fieldErrors?.carrier)} aria-invalid={!!fieldErrors?.carrier} />
            <FieldNote id="carrier" errors={fieldErrors?.carrier}>
              e.g. DHL
            </FieldNote>
          </label>
          <label className="field">
            <span>Tracking number (optional)</span>
            <input
              name="trackingNumber"
              maxLength={64}
              value={typed.trackingNumber}
              onChange={(e) => setTyped({ ...typed, trackingNumber: e.target.value })}
              aria-describedby={noteOf("trackingNumber", fieldErrors?.trackingNumber)}
              aria-invalid={!!fieldErrors?.trackingNumber}
            />
            <FieldNote id="trackingNumber" errors={fieldErrors?.trackingNumber}>
              The shopper sees it on their order.
            </FieldNote>
          </label>
          <button type="submit" className="btn" disabled={shipping}>
            {shipping ? "Shipping…" : "Ship order"}
          </button>
        </form>
      )}
      <div className="row">
        {status === "shipped" && (
          <ConfirmDialog
            triggerLabel="Complete order"
            pendingLabel="Completing…"
            title={`Complete order ${number}?`}
            description={<p>Marks it delivered and closes it. This cannot be undone.</p>}
            confirmLabel="Yes, complete it"
            tone=""
            triggerClassName="btn"
            pending={completing}
            action={complete}
          />
        )}
        {CANCELLABLE.includes(status) && (
          <ConfirmDialog
            triggerLabel="Cancel order"
            pendingLabel="Cancelling…"
            title={`Cancel order ${number}?`}
            description={<p>Its units go back to the locations they came from, and the shopper sees it cancelled. This cannot be undone.</p>}
            confirmLabel="Yes, cancel order"
            dismissLabel="Keep order"
            triggerClassName="btn secondary"
            pending={cancelling}
            action={cancel}
          />
        )}
      </div>
    </section>
  );
}
