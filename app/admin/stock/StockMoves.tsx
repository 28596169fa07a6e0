"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useState } from "react";
import { FieldError, FieldNote, noteOf } from "@/app/admin/ui/Field";
import { skuLabel, signed } from "@/app/admin/ui/format";
import { STOCK_KEY, useLocations } from "@/app/admin/ui/queries";
import { FormOutcome } from "@/app/admin/ui/StatusAlert";
import { MAX_ADJUSTMENT } from "@/lib/admin/limits";
import type { StockRow } from "@/lib/admin/stock";
import type { ActionState } from "@/lib/web/action";
import { adjustStockAction, transferStockAction, type AdjustStockResult, type TransferResult } from "./actions";
import { adjustmentsKey } from "./queries";

// The Manage drawer's stock moves: an adjustment at one location, a transfer between two.

/** The "why" every stock change records in the ledger (adjustments and transfers alike). */
function ReasonField({ id, value, onChange, errors, placeholder }: { id: string; value: string; onChange: (v: string) => void; errors?: string[]; placeholder: string }) {
  return (
    <div className="field" style={{ flex: 1, minWidth: "14rem" }}>
      <label htmlFor={`${id}-reason`}>Reason</label>
      <input
        id={`${id}-reason`}
        name="reason"
        maxLength={255}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!errors}
        aria-describedby={errors ? `${id}-reason-error` : undefined}
        required
      />
      <FieldError id={`${id}-reason-error`} errors={errors} />
    </div>
  );
}

function adjustFieldErrors(state: ActionState<AdjustStockResult>): Record<string, string[] | undefined> | undefined {
  if (!state || state.ok) return undefined;
  if (state.fieldErrors) return state.fieldErrors;
  if (state.code === "STOCK_WOULD_GO_NEGATIVE") return { delta: [state.message] };
  return undefined;
}

export function AdjustForm({ sku }: { sku: StockRow }) {
  const qc = useQueryClient();
  const locations = useLocations();
  // Controlled fields: a refused change keeps what the admin typed (React resets uncontrolled ones).
  const [delta, setDelta] = useState("");
  const [reason, setReason] = useState("");
  const [locationId, setLocationId] = useState(String(sku.locations[0]?.locationId ?? ""));
  const [state, action, pending] = useActionState(async (prev: ActionState<AdjustStockResult>, form: FormData) => {
    const result = await adjustStockAction(sku.skuId, prev, form);
    if (result?.ok) {
      setDelta("");
      setReason("");
    }
    await Promise.all([qc.invalidateQueries({ queryKey: STOCK_KEY }), qc.invalidateQueries({ queryKey: adjustmentsKey(sku.skuId) })]);
    return result;
  }, null);
  // While a new submit runs, the previous answer (error or success) is no longer shown.
  const shown = pending ? null : state;
  const errors = adjustFieldErrors(shown);
  const id = `adjust-${sku.skuId}`;

  return (
    <form action={action} className="stack" aria-label={`Adjust stock of ${skuLabel(sku)}`}>
      <FormOutcome shown={shown} fieldErrors={errors} success={(d) => `Applied ${signed(d.delta)}: stock of ${skuLabel(sku)} is now ${d.stock}.`} />
      <div className="row" style={{ alignItems: "flex-start" }}>
        <LocationSelect id={`${id}-location`} name="locationId" label="Location" value={locationId} onChange={setLocationId} errors={errors?.locationId} />
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
            aria-describedby={noteOf(`${id}-delta`, errors?.delta)}
            required
            style={{ width: "9rem" }}
          />
          <FieldNote id={`${id}-delta`} errors={errors?.delta}>
            Whole units, up to ±{MAX_ADJUSTMENT.toLocaleString("en-US")}
          </FieldNote>
        </div>
        <ReasonField id={id} value={reason} onChange={setReason} errors={errors?.reason} placeholder="e.g. Restock from supplier, damaged in store" />
      </div>
      <div>
        {/* Until the locations arrive the select cannot hold its choice, and the browser would refuse the submit. */}
        <button type="submit" className="btn" disabled={pending || locations.isPending}>
          {pending ? "Applying…" : "Apply adjustment"}
        </button>
      </div>
    </form>
  );
}

/** Every location to choose from (inactive ones too: their units can be counted or moved out). */
function LocationSelect({ id, name, label, value, onChange, errors }: { id: string; name: string; label: string; value: string; onChange: (v: string) => void; errors?: string[] }) {
  const locations = useLocations();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!errors}
        aria-describedby={errors ? `${id}-error` : undefined}
        required
        aria-busy={locations.isPending}
      >
        <option value="">Choose…</option>
        {(locations.data ?? []).map((l) => (
          <option key={l.locationId} value={l.locationId}>
            {l.name}
            {l.active ? "" : " (inactive)"}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}


/** A refusal about the count (more than the source holds) belongs at the Count field. */
function transferFieldErrors(state: ActionState<TransferResult>): Record<string, string[] | undefined> | undefined {
  if (!state || state.ok) return undefined;
  if (state.fieldErrors) return state.fieldErrors;
  if (state.code === "STOCK_WOULD_GO_NEGATIVE") return { count: [state.message] };
  if (state.code === "LOCATION_NOT_FOUND") return { fromLocationId: [state.message] };
  return undefined;
}

/** Moves units between two locations in one transaction (two ledger rows). */
export function TransferForm({ sku }: { sku: StockRow }) {
  const qc = useQueryClient();
  const locations = useLocations();
  const [from, setFrom] = useState(String(sku.locations[0]?.locationId ?? ""));
  const [to, setTo] = useState("");
  const [count, setCount] = useState("");
  const [reason, setReason] = useState("");
  const [state, action, pending] = useActionState(async (prev: ActionState<TransferResult>, form: FormData) => {
    const result = await transferStockAction(sku.skuId, prev, form);
    if (result?.ok) {
      setCount("");
      setReason("");
    }
    await Promise.all([qc.invalidateQueries({ queryKey: STOCK_KEY }), qc.invalidateQueries({ queryKey: adjustmentsKey(sku.skuId) })]);
    return result;
  }, null);
  const shown = pending ? null : state;
  const errors = transferFieldErrors(shown);
  const id = `transfer-${sku.skuId}`;
  return (
    <form action={action} className="stack" aria-label={`Transfer stock of ${skuLabel(sku)}`}>
      <FormOutcome shown={shown} fieldErrors={errors} success={(d) => `Moved ${d.count} from ${d.from} to ${d.to}. Sellable stock is ${d.stock}.`} />
      <div className="row" style={{ alignItems: "flex-start" }}>
        <LocationSelect id={`${id}-from`} name="fromLocationId" label="From" value={from} onChange={setFrom} errors={errors?.fromLocationId} />
        <LocationSelect id={`${id}-to`} name="toLocationId" label="To" value={to} onChange={setTo} errors={errors?.toLocationId} />
        <div className="field">
          <label htmlFor={`${id}-count`}>Units</label>
          <input
            id={`${id}-count`}
            name="count"
            inputMode="numeric"
            placeholder="e.g. 5"
            value={count}
            onChange={(e) => setCount(e.target.value)}
            aria-invalid={!!errors?.count}
            aria-describedby={errors?.count ? `${id}-count-error` : undefined}
            required
            style={{ width: "7rem" }}
          />
          <FieldError id={`${id}-count-error`} errors={errors?.count} />
        </div>
        <ReasonField id={id} value={reason} onChange={setReason} errors={errors?.reason} placeholder="e.g. Stock the store for the weekend" />
      </div>
      <div>
        {/* Until the locations arrive the select cannot hold its choice, and the browser would refuse the submit. */}
        <button type="submit" className="btn" disabled={pending || locations.isPending}>
          {pending ? "Moving…" : "Transfer units"}
        </button>
      </div>
    </form>
  );
}

