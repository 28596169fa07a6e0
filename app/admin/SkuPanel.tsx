"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useRef, useState } from "react";
import {
  adjustStockAction,
  transferStockAction,
  type TransferResult,
  updatePriceAndNameAction,
  updateSaleSettingsAction,
  type AdjustStockResult,
  type PriceAndNameResult,
  type SaleSettingsResult,
} from "@/app/admin/actions";
import { launchDate } from "@/app/components/launch";
import type { ActionState } from "@/lib/web/action";
import { MAX_ADJUSTMENT } from "@/lib/admin/limits";
import type { StockRow } from "@/lib/admin/stock";
import { formatMoney } from "@/lib/money";
import { signed, skuLabel } from "./format";
import { adjustmentsKey, STOCK_KEY, useAdjustments, useLocations } from "./queries";

export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {errors[0]}
    </span>
  );
}

/** Under a field: its error when it has one, else its hint (`noteOf` names whichever is shown). */
function FieldNote({ id, errors, children }: { id: string; errors?: string[]; children: React.ReactNode }) {
  if (errors) return <FieldError id={`${id}-error`} errors={errors} />;
  return (
    <span id={`${id}-hint`} className="muted" style={{ fontSize: "0.85rem" }}>
      {children}
    </span>
  );
}

/** The id of what FieldNote shows under field `id`: for the input's aria-describedby. */
const noteOf = (id: string, errors?: string[]) => (errors ? `${id}-error` : `${id}-hint`);

/**
 * A form's answer above its fields: the success line, or a refusal that is not about one field
 * (field errors are said at their field), once.
 */
export function FormOutcome<T>({ shown, fieldErrors, success }: { shown: ActionState<T>; fieldErrors?: Record<string, string[] | undefined>; success: (data: T) => string }) {
  return (
    <div aria-live="polite">
      {shown?.ok && (
        <p className="alert success" role="status">
          {success(shown.data)}
        </p>
      )}
      {shown && !shown.ok && !fieldErrors && (
        <p className="alert error" role="alert">
          {shown.message}
        </p>
      )}
    </div>
  );
}

/** A refusal about the delta (zero, too large, more than is in stock) belongs at the Delta field. */
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

function AdjustForm({ sku }: { sku: StockRow }) {
  const qc = useQueryClient();
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
        <button type="submit" className="btn" disabled={pending}>
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

/** A refusal about the count (more than the source holds) belongs at the Count field. */
function transferFieldErrors(state: ActionState<TransferResult>): Record<string, string[] | undefined> | undefined {
  if (!state || state.ok) return undefined;
  if (state.fieldErrors) return state.fieldErrors;
  if (state.code === "STOCK_WOULD_GO_NEGATIVE") return { count: [state.message] };
  if (state.code === "LOCATION_NOT_FOUND") return { fromLocationId: [state.message] };
  return undefined;
}

/** Moves units between two locations in one transaction (two ledger rows). */
function TransferForm({ sku }: { sku: StockRow }) {
  const qc = useQueryClient();
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
        <button type="submit" className="btn" disabled={pending}>
          {pending ? "Moving…" : "Transfer units"}
        </button>
      </div>
    </form>
  );
}

/** Another variant of the product already has the name: said at the Name field. */
function priceAndNameFieldErrors(state: ActionState<PriceAndNameResult>): Record<string, string[] | undefined> | undefined {
  if (!state || state.ok) return undefined;
  if (state.fieldErrors) return state.fieldErrors;
  if (state.code === "SKU_NAME_TAKEN") return { name: [state.message] };
  return undefined;
}

/** The SKU's unit price and variant name; carts and checkouts use them from now on, placed orders keep theirs. */
function PriceAndNameForm({ sku }: { sku: StockRow }) {
  const qc = useQueryClient();
  // Controlled, so a refused change keeps what was typed.
  const [price, setPrice] = useState(sku.price);
  const [name, setName] = useState(sku.name);
  const [state, action, pending] = useActionState(async (prev: ActionState<PriceAndNameResult>, form: FormData) => {
    const result = await updatePriceAndNameAction(sku.skuId, prev, form);
    // Show what was stored: "5" is saved as "5.00", names without their outer spaces.
    if (result?.ok) {
      setPrice(result.data.price);
      setName(result.data.name);
    }
    await qc.invalidateQueries({ queryKey: STOCK_KEY });
    return result;
  }, null);
  const shown = pending ? null : state;
  const errors = priceAndNameFieldErrors(shown);
  const id = `price-${sku.skuId}`;

  return (
    <form action={action} className="stack" aria-label={`Price and name of ${skuLabel(sku)}`}>
      <FormOutcome shown={shown} fieldErrors={errors} success={(d) => `Saved: ${d.name} at ${formatMoney(d.price)}. Orders already placed keep their price.`} />
      <div className="row" style={{ alignItems: "flex-start" }}>
        <div className="field">
          <label htmlFor={`${id}-price`}>Price (USD)</label>
          <input
            id={`${id}-price`}
            name="price"
            inputMode="decimal"
            autoComplete="off"
            placeholder="e.g. 19.99"
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            aria-invalid={!!errors?.price}
            aria-describedby={noteOf(`${id}-price`, errors?.price)}
            required
            style={{ width: "9rem" }}
          />
          <FieldNote id={`${id}-price`} errors={errors?.price}>
            Per unit, up to 2 decimals
          </FieldNote>
        </div>
        <div className="field" style={{ flex: 1, minWidth: "14rem" }}>
          <label htmlFor={`${id}-name`}>Variant name</label>
          <input
            id={`${id}-name`}
            name="name"
            autoComplete="off"
            placeholder="e.g. EU 44 or 128 GB"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={!!errors?.name}
            aria-describedby={noteOf(`${id}-name`, errors?.name)}
            required
          />
          <FieldNote id={`${id}-name`} errors={errors?.name}>
            Shown after the product name
          </FieldNote>
        </div>
      </div>
      <div>
        <button type="submit" className="btn" disabled={pending}>
          {pending ? "Saving…" : "Save price and name"}
        </button>
      </div>
    </form>
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** An ISO instant as a datetime-local value in the admin's time zone ("2026-12-24T18:00", seconds if any). */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() || d.getMilliseconds() ? `${base}:${pad(d.getSeconds())}` : base;
}

/** A datetime-local value, read in the admin's time zone, as ISO 8601 with their offset ("2026-12-24T18:00:00+01:00"). */
function fromLocalInput(value: string): string {
  const d = new Date(value);
  // Not a date (an old browser's free text): send it as typed, and the server says what is wrong.
  if (!value || Number.isNaN(d.getTime())) return value;
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${zone}`;
}

function savedWords({ perCustomerLimit, saleStartsAt }: SaleSettingsResult) {
  const limit = perCustomerLimit === null ? "no limit per customer" : `limit ${perCustomerLimit} per customer`;
  const launch = saleStartsAt === null ? "on sale at once" : `launch ${launchDate(saleStartsAt, true)}`;
  return `Saved: ${limit}, ${launch}.`;
}

/** The SKU's per-customer limit and launch time. Blank means none; they apply to checkouts from now on. */
function SaleSettingsForm({ sku }: { sku: StockRow }) {
  const qc = useQueryClient();
  // Controlled, so a refused change keeps what was typed.
  const [limit, setLimit] = useState(sku.perCustomerLimit === null ? "" : String(sku.perCustomerLimit));
  const [saved] = useState(() => ({ local: toLocalInput(sku.saleStartsAt), iso: sku.saleStartsAt }));
  const [launch, setLaunch] = useState(saved.local);
  const [state, action, pending] = useActionState(async (prev: ActionState<SaleSettingsResult>, form: FormData) => {
    const local = String(form.get("saleStartsAtLocal") ?? "");
    // Untouched, the launch goes back exactly as it was (to the millisecond); typed, it is read in the admin's time zone.
    form.set("saleStartsAt", local === saved.local && saved.iso ? saved.iso : fromLocalInput(local));
    form.delete("saleStartsAtLocal");
    const result = await updateSaleSettingsAction(sku.skuId, prev, form);
    await qc.invalidateQueries({ queryKey: STOCK_KEY });
    return result;
  }, null);
  const shown = pending ? null : state;
  const errors = shown && !shown.ok ? shown.fieldErrors : undefined;
  const id = `sale-${sku.skuId}`;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <form action={action} className="stack" aria-label={`Limit and launch of ${skuLabel(sku)}`}>
      <FormOutcome shown={shown} fieldErrors={errors} success={savedWords} />
      <div className="row" style={{ alignItems: "flex-start" }}>
        <div className="field">
          <label htmlFor={`${id}-limit`}>Limit per customer</label>
          <input
            id={`${id}-limit`}
            name="perCustomerLimit"
            type="number"
            inputMode="numeric"
            min={1}
            max={99}
            step={1}
            placeholder="No limit"
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            aria-invalid={!!errors?.perCustomerLimit}
            aria-describedby={noteOf(`${id}-limit`, errors?.perCustomerLimit)}
            style={{ width: "9rem" }}
          />
          <FieldNote id={`${id}-limit`} errors={errors?.perCustomerLimit}>
            1–99 units; blank for none
          </FieldNote>
        </div>
        <div className="field" style={{ minWidth: 0 }}>
          <label htmlFor={`${id}-launch`}>Launch</label>
          <div className="row" style={{ gap: "0.5rem" }}>
            <input
              id={`${id}-launch`}
              name="saleStartsAtLocal"
              type="datetime-local"
              step={1}
              value={launch}
              onChange={(e) => setLaunch(e.target.value)}
              aria-invalid={!!errors?.saleStartsAt}
              aria-describedby={noteOf(`${id}-launch`, errors?.saleStartsAt)}
              style={{ maxWidth: "100%" }}
            />
            <button type="button" className="btn secondary small" onClick={() => setLaunch("")} disabled={launch === ""}>
              Clear<span className="visually-hidden"> launch</span>
            </button>
          </div>
          <FieldNote id={`${id}-launch`} errors={errors?.saleStartsAt}>
            Your time ({zone}); blank: on sale at once
          </FieldNote>
        </div>
      </div>
      <div>
        <button type="submit" className="btn" disabled={pending}>
          {pending ? "Saving…" : "Save limit and launch"}
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
            <th scope="col">Location</th>
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
              <td>{a.location}</td>
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
