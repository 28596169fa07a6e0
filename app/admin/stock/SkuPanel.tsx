"use client";

import { useEffect, useRef } from "react";
import { Cell, DataTable, type Column } from "@/app/admin/ui/DataTable";
import { skuLabel, signed } from "@/app/admin/ui/format";
import type { StockRow } from "@/lib/admin/stock";
import { formatMoney } from "@/lib/money";
import { useAdjustments } from "./queries";
import { PriceAndNameForm, SaleSettingsForm } from "./SkuSettings";
import { AdjustForm, TransferForm } from "./StockMoves";

/** Where the SKU's units are, live with the table: checkout drains active locations top to bottom. */
function StockByLocation({ sku }: { sku: StockRow }) {
  if (sku.locations.length === 0) return <p className="muted">Not stocked at any location yet.</p>;
  return (
    <div className="table-wrap">
      <table aria-label={`Stock of ${skuLabel(sku)} by location`} data-testid="stock-by-location">
        <thead>
          <tr>
            <th scope="col">Location</th>
            <th scope="col" className="num">
              Stock
            </th>
          </tr>
        </thead>
        <tbody>
          {sku.locations.map((l) => (
            <tr key={l.locationId}>
              <td>
                {l.name}
                {l.active ? "" : " (inactive: not sellable)"}
              </td>
              <td className="num">{l.stock}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Sellable total</th>
            <td className="num">{sku.stock}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

const HISTORY_COLUMNS: Column[] = [{ header: "When (UTC)" }, { header: "Location" }, { header: "Delta", num: true }, { header: "Stock after", num: true }, { header: "Reason" }, { header: "By" }];

function History({ skuId }: { skuId: number }) {
  const history = useAdjustments(skuId);
  if (history.isPending) return <p aria-busy="true">Loading history…</p>;
  if (history.isError)
    return (
      <p className="alert error" role="alert">
        {history.error.message}
      </p>
    );
  if (history.data.length === 0) return <p className="muted">No manual changes yet.</p>;
  return (
    <DataTable label="Adjustment history" columns={HISTORY_COLUMNS}>
      {history.data.map((a) => (
        <tr key={a.id}>
          <th scope="row">{a.createdAt.replace("T", " ").slice(0, 19)}</th>
          <Cell label="Location">{a.location}</Cell>
          <Cell label="Delta" num>
            {signed(a.delta)}
          </Cell>
          <Cell label="Stock after" num>
            {a.stockAfter}
          </Cell>
          <Cell label="Reason" wide>
            {a.reason}
          </Cell>
          <Cell label="By">{a.admin}</Cell>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * Everything an admin does to one SKU, in a drawer beside the table (as Medusa and Saleor do):
 * see its stock per location, adjust it at a location, move units between locations, set its price and name, its limit and launch, read its ledger. A modal `<dialog>`: focus stays
 * inside, Escape or Close puts it back on the row's Manage button.
 */
export function SkuPanel({ sku, onClose }: { sku: StockRow; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const titleId = `sku-panel-${sku.skuId}`;
  return (
    <dialog ref={ref} className="admin-drawer" aria-labelledby={titleId} onClose={onClose}>
      <div className="admin-drawer-head">
        <div>
          <h2 id={titleId}>{skuLabel(sku)}</h2>
          <p className="muted" data-testid="panel-counts">
            {sku.stock} in stock · {sku.sales} sold · {formatMoney(sku.price)}
          </p>
        </div>
        <button type="button" className="btn secondary small" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      <h3>Stock by location</h3>
      <StockByLocation sku={sku} />
      <h3>Adjust stock</h3>
      <AdjustForm sku={sku} />
      <h3>Transfer between locations</h3>
      <TransferForm sku={sku} />
      <h3>Price and name</h3>
      <PriceAndNameForm sku={sku} />
      <h3>Limit and launch</h3>
      <SaleSettingsForm sku={sku} />
      <h3>History</h3>
      <History skuId={sku.skuId} />
    </dialog>
  );
}
