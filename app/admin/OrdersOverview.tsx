"use client";

import { Fragment, useState } from "react";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import { STATUS_BADGE, STATUS_LABEL } from "@/app/components/order-status";
import type { OrderStatus } from "@/db/schema";
import { formatMoney } from "@/lib/money";
import { useAllOrders, useOrderMove } from "./queries";
import { oneLineAddress } from "@/lib/orders/address-lines";

const STATUSES = Object.keys(STATUS_LABEL) as OrderStatus[];

/** The admin's next move from each status, if any (the server still decides). */
type Move = { move: "ship" | "complete"; label: string; pending: string; confirm: string; what: string; done: string };
const SHIP: Move = {
  move: "ship",
  label: "Ship",
  pending: "Shipping…",
  confirm: "Yes, ship it",
  what: "The shopper will see it as shipped. This cannot be undone.",
  done: "shipped",
};
const COMPLETE: Move = {
  move: "complete",
  label: "Complete",
  pending: "Completing…",
  confirm: "Yes, complete it",
  what: "Marks it delivered and closes it. This cannot be undone.",
  done: "completed",
};
const NEXT_MOVE: Partial<Record<OrderStatus, Move>> = { paid: SHIP, awaiting_shipment: SHIP, shipped: COMPLETE };

export function OrdersOverview() {
  const [status, setStatus] = useState<OrderStatus | "">("");
  const [open, setOpen] = useState<string | null>(null);
  const orders = useAllOrders(status);
  const moveOrder = useOrderMove();

  return (
    <section aria-labelledby="orders-heading" className="stack">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="orders-heading" style={{ margin: 0 }}>
          Orders
        </h2>
        <label className="field" style={{ margin: 0 }}>
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as OrderStatus | "")}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div aria-live="polite">
        {moveOrder.isError && (
          <p className="alert error" role="alert">
            {moveOrder.error.message}
          </p>
        )}
        {moveOrder.isSuccess && (
          <p className="alert success" role="status">
            Order {moveOrder.variables.number} {moveOrder.variables.move === "ship" ? SHIP.done : COMPLETE.done}.
          </p>
        )}
      </div>
      {orders.isPending ? (
        <p aria-busy="true">Loading orders…</p>
      ) : orders.isError ? (
        <p className="alert error" role="alert">
          {orders.error.message}
        </p>
      ) : orders.data.length === 0 ? (
        <p className="muted">{status ? `No orders with status “${STATUS_LABEL[status]}”.` : "No orders yet."}</p>
      ) : (
        <div className="table-wrap admin-scroller">
          <table aria-label="Newest orders" className="admin-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed (UTC)</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col" className="num">
                  Total
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.data.map((o) => {
                const expanded = open === o.orderId;
                const next = NEXT_MOVE[o.status];
                // The short number shoppers see ("SR-7K3F92"); the id only for an order still without one.
                const number = o.orderNumber || o.orderId;
                return (
                  <Fragment key={o.orderId}>
                    <tr>
                      <th scope="row" className="admin-name">
                        <button
                          type="button"
                          className="btn link"
                          aria-expanded={expanded}
                          aria-controls={`lines-${o.orderId}`}
                          onClick={() => setOpen(expanded ? null : o.orderId)}
                        >
                          {number}
                        </button>
                      </th>
                      <td>{o.createdAt.replace("T", " ").slice(0, 19)}</td>
                      <td>{o.username}</td>
                      <td>
                        <span className={`badge ${STATUS_BADGE[o.status]}`}>{STATUS_LABEL[o.status]}</span>
                      </td>
                      <td className="num">{o.totalCount}</td>
                      <td className="num">{formatMoney(o.totalAmount)}</td>
                      <td>
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
                            pending={moveOrder.isPending && moveOrder.variables.orderId === o.orderId}
                            disabled={moveOrder.isPending}
                            onConfirm={() => moveOrder.mutate({ orderId: o.orderId, number, move: next.move })}
                          />
                        )}
                      </td>
                    </tr>
                    {expanded && (
                      <tr id={`lines-${o.orderId}`}>
                        <td colSpan={7}>
                          {/* A list, not a nested table: on a phone the table's right-hand columns sit off screen. */}
                          <ul className="order-lines" aria-label={`Lines of order ${number}`}>
                            {o.lines.map((l) => (
                              <li key={l.skuId}>
                                <strong>{l.name}</strong>
                                <br />
                                {l.count} × {formatMoney(l.price)} · ships from{" "}
                                {l.allocations.length > 0 ? l.allocations.map((a) => `${a.name} × ${a.count}`).join(", ") : "—"}
                              </li>
                            ))}
                          </ul>
                          <p className="muted order-lines" style={{ margin: "0.5rem 0 0", display: "block" }}>
                            Ship to {o.address.name}, {oneLineAddress(o.address)} · freight {formatMoney(o.freight)} ·{" "}
                            {o.payMethod === "cod" ? "cash on delivery" : "online payment"}
                          </p>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
