"use client";

import { Fragment, useState } from "react";
import { Cell, DataTable, type Column } from "@/app/admin/ui/DataTable";
import { StatusAlert } from "@/app/admin/ui/StatusAlert";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import { STATUS_BADGE, STATUS_LABEL } from "@/app/components/order-status";
import type { OrderStatus } from "@/db/schema";
import { formatMoney } from "@/lib/money";
import { oneLineAddress } from "@/lib/orders/address-lines";
import { OrderEmails } from "./OrderEmails";
import { useAllOrders, useOrderMove } from "./queries";

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

const COLUMNS: Column[] = [
  { header: "Order" },
  { header: "Placed (UTC)" },
  { header: "Customer" },
  { header: "Status" },
  { header: "Items", num: true },
  { header: "Total", num: true },
  { header: "Actions", hidden: true },
];

/** The status filter in the address, so a reload, a shared link or the dashboard's "unpaid" link opens the same list. */
function showStatusInAddress(status: OrderStatus | "") {
  const url = new URL(window.location.href);
  if (status) url.searchParams.set("status", status);
  else url.searchParams.delete("status");
  window.history.replaceState(null, "", url);
}

/** The newest orders of every shopper, by status, with their lines; Ship and Complete ask first. */
export function OrdersOverview({ initialStatus = "" }: { initialStatus?: OrderStatus | "" }) {
  const [status, setStatus] = useState<OrderStatus | "">(initialStatus);
  const [open, setOpen] = useState<string | null>(null);
  const orders = useAllOrders(status);
  const moveOrder = useOrderMove();

  return (
    <div className="stack">
      <div className="toolbar">
        <label className="field" style={{ margin: 0 }}>
          <span>Status</span>
          <select
            value={status}
            onChange={(e) => {
              const next = e.target.value as OrderStatus | "";
              setStatus(next);
              showStatusInAddress(next);
            }}
          >
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <StatusAlert
        error={moveOrder.isError ? moveOrder.error.message : undefined}
        success={moveOrder.isSuccess ? `Order ${moveOrder.variables.number} ${moveOrder.variables.move === "ship" ? SHIP.done : COMPLETE.done}.` : undefined}
      />
      {orders.isPending ? (
        <p aria-busy="true">Loading orders…</p>
      ) : orders.isError ? (
        <p className="alert error" role="alert">
          {orders.error.message}
        </p>
      ) : orders.data.length === 0 ? (
        <p className="muted">{status ? `No orders with status “${STATUS_LABEL[status]}”.` : "No orders yet."}</p>
      ) : (
        <DataTable label="Newest orders" columns={COLUMNS}>
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
                  <Cell label="Placed (UTC)" wide>{o.createdAt.replace("T", " ").slice(0, 19)}</Cell>
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
                  </Cell>
                </tr>
                {expanded && (
                  <tr id={`lines-${o.orderId}`} className="row-detail">
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
                      <OrderEmails orderId={o.orderId} number={number} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </DataTable>
      )}
    </div>
  );
}
