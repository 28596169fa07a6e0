"use client";

import { useState } from "react";
import { DataTable, type Column } from "@/app/admin/ui/DataTable";
import { StatusAlert } from "@/app/admin/ui/StatusAlert";
import { STATUS_LABEL } from "@/app/components/order-status";
import type { OrderStatus } from "@/db/schema";
import { COMPLETE, OrderRow, SHIP } from "./OrderRow";
import { filterQuery, useBulkShip, useOrderMove, useOrderPages, type OrderFilter } from "./queries";

const STATUSES = Object.keys(STATUS_LABEL) as OrderStatus[];
const BULK_MAX = 100;

const COLUMNS: Column[] = [
  { header: "Order" },
  { header: "Placed (UTC)" },
  { header: "Customer" },
  { header: "Status" },
  { header: "Items", num: true },
  { header: "Total", num: true },
  { header: "Actions", hidden: true },
];

/** The filters in the address, so a reload, a shared link or the dashboard's "unpaid" link opens the same list. */
function showInAddress(filter: OrderFilter) {
  const query = filterQuery(filter);
  window.history.replaceState(null, "", `${window.location.pathname}${query ? `?${query}` : ""}`);
}

/**
 * Every shopper's orders, newest first, 50 at a time: search (number, customer, SKU or product),
 * status and dates; open one for its lines, ship or complete it, or select several to ship or print.
 */
export function OrdersOverview({ initial }: { initial: OrderFilter }) {
  const [filter, setFilter] = useState<OrderFilter>(initial);
  const [typed, setTyped] = useState<OrderFilter>(initial);
  const [open, setOpen] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const pages = useOrderPages(filter);
  const moveOrder = useOrderMove();
  const bulk = useBulkShip();
  const orders = pages.data?.pages.flatMap((p) => p.orders) ?? [];
  const numberOf = new Map(orders.map((o) => [o.orderId, o.orderNumber || o.orderId]));
  const outcomes = new Map<string, string>();
  if (bulk.data) {
    for (const id of bulk.data.shipped) outcomes.set(id, "shipped");
    for (const r of bulk.data.refused) outcomes.set(r.orderId, `not shipped: ${r.message}`);
  }

  const apply = (next: OrderFilter) => {
    setFilter(next);
    setSelected(new Set());
    showInAddress(next);
  };
  const pick = (orderId: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(orderId);
      else next.delete(orderId);
      return next;
    });
  const chosen = [...selected];

  return (
    <div className="stack">
      <form
        className="toolbar order-filters"
        role="search"
        aria-label="Find orders"
        onSubmit={(e) => {
          e.preventDefault();
          apply(typed);
        }}
      >
        <label className="field order-search" style={{ margin: 0 }}>
          <span>Search</span>
          <input type="search" name="q" value={typed.q} maxLength={100} placeholder="SR-7K3F92, customer, SKU or product" onChange={(e) => setTyped({ ...typed, q: e.target.value })} />
        </label>
        <label className="field" style={{ margin: 0 }}>
          <span>Status</span>
          <select
            name="status"
            value={typed.status}
            onChange={(e) => {
              const next = { ...typed, status: e.target.value as OrderStatus | "" };
              setTyped(next);
              apply(next);
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
        <label className="field order-date" style={{ margin: 0 }}>
          <span>From</span>
          <input type="date" name="from" value={typed.from} onChange={(e) => setTyped({ ...typed, from: e.target.value })} />
        </label>
        <label className="field order-date" style={{ margin: 0 }}>
          <span>To</span>
          <input type="date" name="to" value={typed.to} onChange={(e) => setTyped({ ...typed, to: e.target.value })} />
        </label>
        <button type="submit" className="btn">
          Search
        </button>
      </form>

      <div className="toolbar bulk-bar" aria-label="Selected orders" role="group">
        <span className="muted">{chosen.length === 0 ? "Select orders to ship or print several at once." : `${chosen.length} selected`}</span>
        <button type="button" className="btn small" disabled={chosen.length === 0 || chosen.length > BULK_MAX || bulk.isPending} onClick={() => bulk.mutate(chosen)}>
          {bulk.isPending ? "Shipping…" : "Ship selected"}
        </button>
        {chosen.length > 0 ? (
          <a className="btn small secondary" href={`/admin/orders/slips?ids=${chosen.join(",")}`} target="_blank" rel="noopener">
            Packing slips
          </a>
        ) : (
          <button type="button" className="btn small secondary" disabled>
            Packing slips
          </button>
        )}
        {chosen.length > 0 && (
          <button type="button" className="btn small link" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        )}
      </div>

      <StatusAlert
        error={moveOrder.isError ? moveOrder.error.message : bulk.isError ? bulk.error.message : undefined}
        success={
          moveOrder.isSuccess
            ? `Order ${moveOrder.variables.number} ${moveOrder.variables.move === "ship" ? SHIP.done : COMPLETE.done}.`
            : bulk.data
              ? `Shipped ${bulk.data.shipped.length} of ${bulk.data.shipped.length + bulk.data.refused.length}${
                  bulk.data.refused.length ? `; not shipped: ${bulk.data.refused.map((r) => `${numberOf.get(r.orderId) ?? r.orderId} (${r.message})`).join(", ")}` : ""
                }.`
              : undefined
        }
      />
      {pages.isPending ? (
        <p aria-busy="true">Loading orders…</p>
      ) : pages.isError ? (
        <p className="alert error" role="alert">
          {pages.error.message}
        </p>
      ) : orders.length === 0 ? (
        <p className="muted">{filter.q || filter.from || filter.to ? "No orders match." : filter.status ? `No orders with status “${STATUS_LABEL[filter.status]}”.` : "No orders yet."}</p>
      ) : (
        <DataTable label="Newest orders" columns={COLUMNS}>
          {orders.map((o) => (
            <OrderRow
              key={o.orderId}
              order={o}
              expanded={open === o.orderId}
              onToggle={() => setOpen(open === o.orderId ? null : o.orderId)}
              selected={selected.has(o.orderId)}
              onSelect={(on) => pick(o.orderId, on)}
              outcome={outcomes.get(o.orderId)}
              pending={moveOrder.isPending && moveOrder.variables.orderId === o.orderId}
              busy={moveOrder.isPending}
              onMove={(next) => moveOrder.mutate({ orderId: o.orderId, number: o.orderNumber || o.orderId, move: next.move })}
            />
          ))}
        </DataTable>
      )}
      {pages.hasNextPage && (
        <button type="button" className="btn secondary load-more" disabled={pages.isFetchingNextPage} onClick={() => pages.fetchNextPage()}>
          {pages.isFetchingNextPage ? "Loading…" : "Load more orders"}
        </button>
      )}
    </div>
  );
}
