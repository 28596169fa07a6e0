"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useRef, useState } from "react";
import { adjustStockAction, type AdjustStockResult } from "@/app/actions/admin";
import type { ActionState } from "@/lib/action-state";
import { MAX_ADJUSTMENT } from "@/lib/admin/limits";
import type { StockRow } from "@/lib/admin/stock";
import { signed, skuLabel } from "./format";
import { adjustmentsKey, STOCK_KEY, useAdjustments } from "./queries";

function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <span id={id} className="field-error">
      {errors[0]}
    </span>
  );
}

function AdjustForm({ sku }: { sku: StockRow }) {
  const qc = useQueryClient();
  // Controlled fields: a refused change keeps what the admin typed (React resets uncontrolled ones).
  const [delta, setDelta] = useState("");
  const [reason, setReason] = useState("");
  const [state, action, pending] = useActionState(async (prev: ActionState<AdjustStockResult>, form: FormData) => {
    const result = await adjustStockAction(sku.skuId, prev, form);
    if (result?.ok) {
      setDelta("");
      setReason("");
    }
    await Promise.all([qc.invalidateQueries({ queryKey: STOCK_KEY }), qc.invalidateQueries({ queryKey: adjustmentsKey(sku.skuId) })]);
    return result;
  }, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const id = `adjust-${sku.skuId}`;

  return (
    <form action={action} className="stack" aria-label={`Adjust stock of ${skuLabel(sku)}`}>
      <div aria-live="polite">
        {state?.ok && (
          <p className="alert success" role="status">
            Applied {signed(state.data.delta)}: stock of {skuLabel(sku)} is now {state.data.stock}.
          </p>
        )}
        {state && !state.ok && (
          <p className="alert error" role="alert">
            {state.message}
          </p>
        )}
      </div>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <div className="field">
          <label htmlFor={`${id}-delta`}>Delta</label>
          <input
            id={`${id}-delta`}
            name="delta"
            inputMode="numeric"
            placeholder="e.g. 10 or -2"
            value={delta}
            onChange={(e) => setDelta(e.target.value)}
            aria-invalid={!!errors?.delta}
            aria-describedby={errors?.delta ? `${id}-delta-error` : `${id}-delta-hint`}
            required
            style={{ width: "9rem" }}
          />
          {errors?.delta ? (
            <FieldError id={`${id}-delta-error`} errors={errors.delta} />
          ) : (
            <span id={`${id}-delta-hint`} className="muted" style={{ fontSize: "0.85rem" }}>
              Whole units, up to ±{MAX_ADJUSTMENT.toLocaleString("en-US")}
            </span>
          )}
        </div>
        <div className="field" style={{ flex: 1, minWidth: "14rem" }}>
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input
            id={`${id}-reason`}
            name="reason"
            maxLength={255}
            placeholder="e.g. Restock from supplier, damaged in store"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={!!errors?.reason}
            aria-describedby={errors?.reason ? `${id}-reason-error` : undefined}
            required
          />
          <FieldError id={`${id}-reason-error`} errors={errors?.reason} />
        </div>
      </div>
      <div>
        <button type="submit" className="btn" disabled={pending}>
          {pending ? "Applying…" : "Apply adjustment"}
        </button>
      </div>
    </form>
  );
}

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
    <div className="table-wrap">
      <table aria-label="Adjustment history">
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col" className="num">
              Delta
            </th>
            <th scope="col" className="num">
              Stock after
            </th>
            <th scope="col">Reason</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {history.data.map((a) => (
            <tr key={a.id}>
              <td>{a.createdAt.replace("T", " ").slice(0, 19)}</td>
              <td className="num">{signed(a.delta)}</td>
              <td className="num">{a.stockAfter}</td>
              <td>{a.reason}</td>
              <td>{a.admin}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Everything an admin does to one SKU: adjust its stock and read its ledger. */
export function SkuPanel({ sku, onClose }: { sku: StockRow; onClose: () => void }) {
  const panel = useRef<HTMLElement>(null);
  // The panel opens below a long table: bring it into view.
  useEffect(() => panel.current?.scrollIntoView({ block: "nearest", behavior: "smooth" }), []);
  return (
    <section ref={panel} aria-labelledby={`sku-panel-${sku.skuId}`} className="form stack" style={{ maxWidth: "none" }}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h3 id={`sku-panel-${sku.skuId}`} style={{ margin: 0 }}>
          {skuLabel(sku)}: {sku.stock} in stock, {sku.sales} sold
        </h3>
        <button type="button" className="btn link" onClick={onClose}>
          Close
        </button>
      </div>
      <AdjustForm sku={sku} />
      <h4 style={{ margin: "0.5rem 0 0" }}>History</h4>
      <History skuId={sku.skuId} />
    </section>
  );
}
