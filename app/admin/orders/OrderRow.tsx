"use client";

import Link from "next/link";
import { Cell } from "@/app/admin/ui/DataTable";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import { STATUS_BADGE, STATUS_LABEL } from "@/app/components/order-status";
import type { OrderStatus } from "@/db/schema";
import type { AdminOrderView } from "@/lib/admin/orders";
import { formatMoney } from "@/lib/money";
import { oneLineAddress } from "@/lib/orders/address-lines";

/** The admin's next move from each status, if any (the server still decides). */
export type Move = { move: "ship" | "complete"; label: string; pending: string; confirm: string; what: string; done: string };
export const SHIP: Move = {
  move: "ship",
  label: "Ship",
  pending: "Shipping…",
  confirm: "Yes, ship it",
  what: "The shopper will see it as shipped. This cannot be undone. (Open the order to add a carrier and tracking number.)",
  done: "shipped",
};
export const COMPLETE: Move = {
  move: "complete",
  label: "Complete",
  pending: "Completing…",
  confirm: "Yes, complete it",
  what: "Marks it delivered and closes it. This cannot be undone.",
  done: "completed",
};
const NEXT_MOVE: Partial<Record<OrderStatus, Move>> = { paid: SHIP, awaiting_shipment: SHIP, shipped: COMPLETE };

type Props = {
  order: AdminOrderView;
  expanded: boolean;
  onToggle: () => void;
  selected: boolean;
  onSelect: (on: boolean) => void;
  /** What the last bulk ship said about this row, if anything. */
  outcome?: string;
  pending: boolean;
  busy: boolean;
  onMove: (move: Move) => void;
};

/** One order of the list: its number (opens its lines), a box to select it, its figures, a link to its page and its next move. */
export function OrderRow({ order: o, expanded, onToggle, selected, onSelect, outcome, pending, busy, onMove }: Props) {
  const next = NEXT_MOVE[o.status];
  // The short number shoppers see ("SR-7K3F92"); the id only for an order still without one.
  const number = o.orderNumber || o.orderId;
  return (
    <>
      <tr aria-selected={selected}>
        <th scope="row" className="admin-name">
          <span className="order-pick">
            <button type="button" className="btn link" aria-expanded={expanded} aria-controls={`lines-${o.orderId}`} onClick={onToggle}>
              {number}
            </button>
            <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} aria-label={`Select order ${number}`} />
          </span>
        </th>
        <Cell label="Placed (UTC)" wide>
          {o.createdAt.replace("T", " ").slice(0, 19)}
        </Cell>
        <Cell label="Customer">{o.username}</Cell>
        <Cell label="Status" className="cell-status">
          <span className={`badge ${STATUS_BADGE[o.status]}`}>{STATUS_LABEL[o.status]}</span>
        </Cell>
        <Cell label="Items" num>
          {o.totalCount}
        </Cell>
        <Cell label="Total" num>
          {formatMoney(o.totalAmount)}
        </Cell>
        <Cell className="cell-action">
          <span className="row-actions">
            <Link className="btn small secondary" href={`/admin/orders/${o.orderId}`}>
              Open<span className="visually-hidden"> order {number}</span>
            </Link>
            {next && (
              <ConfirmDialog
                triggerLabel={
                  <>
                    {next.label}
                    <span className="visually-hidden"> order {number}</span>
                  </>
                }
                pendingLabel={next.pending}
                title={`${next.label} order ${number}?`}
                description={
                  <p>
                    {o.username}’s order of {o.totalCount} {o.totalCount === 1 ? "item" : "items"}, {formatMoney(o.totalAmount)}. {next.what}
                  </p>
                }
                confirmLabel={next.confirm}
                tone=""
                triggerClassName="btn small"
                pending={pending}
                disabled={busy}
                onConfirm={() => onMove(next)}
              />
            )}
          </span>
        </Cell>
      </tr>
      {outcome && (
        <tr className="row-detail row-outcome">
          <td colSpan={7}>
            {number}: {outcome}
          </td>
        </tr>
      )}
      {expanded && (
        <tr id={`lines-${o.orderId}`} className="row-detail">
          <td colSpan={7}>
            {/* A list, not a nested table: on a phone the table's right-hand columns sit off screen. */}
            <ul className="order-lines" aria-label={`Lines of order ${number}`}>
              {o.lines.map((l) => (
                <li key={l.skuId}>
                  <strong>{l.name}</strong>
                  <br />
                  {l.count} × {formatMoney(l.price)} · ships from {l.allocations.length > 0 ? l.allocations.map((a) => `${a.name} × ${a.count}`).join(", ") : "—"}
                </li>
              ))}
            </ul>
            <p className="muted order-lines" style={{ margin: "0.5rem 0 0", display: "block" }}>
              Ship to {o.address.name}, {oneLineAddress(o.address)} · freight {formatMoney(o.freight)} · {o.payMethod === "cod" ? "cash on delivery" : "online payment"}
            </p>
          </td>
        </tr>
      )}
    </>
  );
}
