"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Cell, DataTable, type Column } from "@/app/admin/ui/DataTable";
import { clock, skuLabel } from "@/app/admin/ui/format";
import { STOCK_KEY, useLocations, useStock } from "@/app/admin/ui/queries";
import { StatusAlert } from "@/app/admin/ui/StatusAlert";
import type { StockRow } from "@/lib/admin/stock";
import { LaunchTime } from "@/app/components/LaunchTime";
import { ProductThumb } from "@/app/components/ProductArt";
import { formatMoney } from "@/lib/money";
import { hasStarted } from "@/lib/drops/sale-start";
import { setOnSaleAction } from "./actions";
import { SkuPanel } from "./SkuPanel";

type Sort = "catalog" | "stock-asc" | "stock-desc" | "sales-desc" | "sales-asc";
const SORTS: { value: Sort; label: string }[] = [
  { value: "catalog", label: "Catalog order" },
  { value: "stock-asc", label: "Stock, lowest first" },
  { value: "stock-desc", label: "Stock, highest first" },
  { value: "sales-desc", label: "Sales, highest first" },
  { value: "sales-asc", label: "Sales, lowest first" },
];

type Field = "price" | "stock" | "sales" | "onSale" | "perCustomerLimit" | "saleStartsAt";
const FIELDS: Field[] = ["price", "stock", "sales", "onSale", "perCustomerLimit", "saleStartsAt"];

function diff(before: StockRow[], after: StockRow[]): Set<string> {
  const old = new Map(before.map((r) => [r.skuId, r]));
  const changed = new Set<string>();
  for (const r of after) {
    const o = old.get(r.skuId);
    if (!o) continue;
    for (const f of FIELDS) if (o[f] !== r[f]) changed.add(`${r.skuId}:${f}`);
  }
  return changed;
}

/** Which values changed since the previous poll; computed while rendering, as React advises for derived state. */
function useChangedSincePrevious(rows: StockRow[]): Set<string> {
  const [seen, setSeen] = useState({ rows, changed: new Set<string>() });
  if (seen.rows !== rows) {
    const changed = diff(seen.rows, rows);
    setSeen({ rows, changed });
    return changed;
  }
  return seen.changed;
}

function sortRows(rows: StockRow[], sort: Sort): StockRow[] {
  const by = (key: "stock" | "sales", dir: 1 | -1) => [...rows].sort((a, b) => dir * (a[key] - b[key]) || a.skuId - b.skuId);
  switch (sort) {
    case "catalog":
      return rows;
    case "stock-asc":
      return by("stock", 1);
    case "stock-desc":
      return by("stock", -1);
    case "sales-desc":
      return by("sales", -1);
    case "sales-asc":
      return by("sales", 1);
  }
}

/** A dash to the eye, words to a screen reader. */
const NoValue = ({ words }: { words: string }) => (
  <>
    <span aria-hidden="true">—</span>
    <span className="visually-hidden">{words}</span>
  </>
);

function Flash({ changed, value, testId }: { changed: boolean; value: number; testId?: string }) {
  // A new key remounts the span, so the highlight replays even if the value changes on consecutive polls.
  return (
    <span key={value} className={changed ? "flash" : undefined} data-testid={testId}>
      {value}
    </span>
  );
}

const COLUMNS: Column[] = [
  { header: "Product and variant" },
  { header: "Price", num: true },
  { header: "Stock", num: true },
  { header: "Sold", num: true },
  { header: "Limit", num: true },
  { header: "Launch" },
  { header: "Status" },
  { header: "On sale" },
  { header: "Actions", hidden: true },
];

/** The stock room's table: every SKU live (polled), filtered and sorted here; `filter` and `sort` may come from the address (the dashboard's links). */
export function StockConsole(props: { initial: { skus: StockRow[]; at: number }; lowStockThreshold: number; filter?: string; sort?: string }) {
  const { initial, lowStockThreshold } = props;
  const stock = useStock(initial);
  // Loaded with the table, not when a drawer opens: the drawer's forms choose among them.
  useLocations();
  const rows = stock.data;
  const changed = useChangedSincePrevious(rows);
  const [filter, setFilter] = useState(props.filter ?? "");
  const [sort, setSort] = useState<Sort>(SORTS.find((s) => s.value === props.sort)?.value ?? "catalog");
  const [managing, setManaging] = useState<number | null>(null);
  const qc = useQueryClient();
  const onSale = useMutation({
    mutationFn: async (v: { skuId: number; onSale: boolean; label: string }) => {
      const result = await setOnSaleAction(v.skuId, v.onSale);
      if (!result?.ok) throw new Error(result?.message ?? "Could not change the on-sale switch.");
      return result.data;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: STOCK_KEY }),
  });

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const matching = needle ? rows.filter((r) => skuLabel(r).toLowerCase().includes(needle)) : rows;
    return sortRows(matching, sort);
  }, [rows, filter, sort]);
  const totals = visible.reduce((t, r) => ({ stock: t.stock + r.stock, sales: t.sales + r.sales }), { stock: 0, sales: 0 });
  const selected = rows.find((r) => r.skuId === managing);

  return (
    <div className="stack">
      <StatusAlert
        error={
          stock.isError
            ? `Live updates failed: ${stock.error.message} Showing stock as of ${clock(stock.dataUpdatedAt)}.`
            : onSale.isError
              ? onSale.error.message
              : undefined
        }
        success={
          onSale.isSuccess
            ? onSale.variables.onSale
              ? `${onSale.variables.label} is on sale: shoppers can buy it.`
              : `${onSale.variables.label} is off sale: shoppers can no longer buy it.`
            : undefined
        }
      />
      <div className="toolbar">
        <label className="field" style={{ margin: 0 }}>
          <span>Filter</span>
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Product or variant" />
        </label>
        <label className="field" style={{ margin: 0 }}>
          <span>Sort by</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted toolbar-note" aria-live="off">
          Live, every 2 s while this tab is visible · updated{" "}
          <time data-testid="stock-updated" dateTime={new Date(stock.dataUpdatedAt).toISOString()} suppressHydrationWarning>
            {clock(stock.dataUpdatedAt)}
          </time>
        </span>
      </div>
      <DataTable
        label="Stock by SKU"
        columns={COLUMNS}
        footer={
          <tr className="row-total">
            <th scope="row">Total ({visible.length === rows.length ? `all ${rows.length} SKUs` : `${visible.length} of ${rows.length} SKUs`})</th>
            <td />
            <Cell label="Stock" num data-testid="total-stock">
              <strong>{totals.stock}</strong>
            </Cell>
            <Cell label="Sold" num data-testid="total-sales">
              <strong>{totals.sales}</strong>
            </Cell>
            <td colSpan={5} />
          </tr>
        }
      >
        {visible.length === 0 && (
          <tr>
            <td colSpan={9} className="muted">
              No SKU matches “{filter}”.
            </td>
          </tr>
        )}
        {visible.map((r) => {
          const label = skuLabel(r);
          const flash = (f: Field) => (changed.has(`${r.skuId}:${f}`) ? "flash" : undefined);
          return (
            <tr key={r.skuId} data-testid={`stock-row-${r.skuId}`}>
              <th scope="row" className="admin-name">
                <span className="admin-name-inner">
                  {/* Decorative (aria-hidden): the row is named by its words alone. */}
                  <ProductThumb category={r.category} hue={r.hue} variant={r.name} size={40} />
                  <span>{label}</span>
                </span>
              </th>
              <Cell label="Price" num className={flash("price")} data-testid="price">
                {formatMoney(r.price)}
              </Cell>
              <Cell label="Stock" num>
                <Flash changed={changed.has(`${r.skuId}:stock`)} value={r.stock} testId="stock" />
              </Cell>
              <Cell label="Sold" num>
                <Flash changed={changed.has(`${r.skuId}:sales`)} value={r.sales} testId="sales" />
              </Cell>
              <Cell label="Limit" num empty={r.perCustomerLimit === null} className={flash("perCustomerLimit")} data-testid="limit">
                {r.perCustomerLimit ?? <NoValue words="No limit" />}
              </Cell>
              <Cell label="Launch" empty={r.saleStartsAt === null} className={flash("saleStartsAt")} data-testid="launch">
                {r.saleStartsAt === null ? (
                  <NoValue words="No launch time" />
                ) : hasStarted(r.saleStartsAt, stock.dataUpdatedAt) ? (
                  <span className="muted">
                    <LaunchTime iso={r.saleStartsAt} /> · started
                  </span>
                ) : (
                  <LaunchTime iso={r.saleStartsAt} />
                )}
              </Cell>
              <Cell label="Status" className="cell-status">
                {r.stock === 0 ? (
                  <span className="badge sold_out">Sold out</span>
                ) : r.stock <= lowStockThreshold ? (
                  <span className="badge low">Low</span>
                ) : (
                  <span className="badge in_stock">In stock</span>
                )}{" "}
                {!r.onSale && <span className="badge">Off sale</span>}
              </Cell>
              <Cell className={["cell-action", flash("onSale")].filter(Boolean).join(" ")}>
                <label className="switch">
                  <input
                    type="checkbox"
                    role="switch"
                    // Its visible words ("On sale") start the name; the SKU makes it unique in the table.
                    aria-label={`On sale: ${label}`}
                    checked={r.onSale}
                    disabled={onSale.isPending && onSale.variables?.skuId === r.skuId}
                    onChange={(e) => onSale.mutate({ skuId: r.skuId, onSale: e.target.checked, label })}
                  />
                  <span className="switch-track" aria-hidden="true" />
                  <span aria-hidden="true">{onSale.isPending && onSale.variables?.skuId === r.skuId ? "Saving…" : "On sale"}</span>
                </label>
              </Cell>
              <Cell className="cell-action">
                <button
                  type="button"
                  className="btn secondary small"
                  aria-haspopup="dialog"
                  onClick={() => setManaging(r.skuId)}
                >
                  Manage<span className="visually-hidden"> {label}</span>
                </button>
              </Cell>
            </tr>
          );
        })}
      </DataTable>
      {selected && <SkuPanel key={selected.skuId} sku={selected} onClose={() => setManaging(null)} />}
    </div>
  );
}
