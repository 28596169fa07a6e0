"use client";

import { useActionState, useState } from "react";
import { SubmitButton } from "@/app/components/SubmitButton";
import type { LocationView } from "@/lib/admin/locations";
import { WAITING_ROOM_DEFAULTS, type WaitingRoom } from "@/lib/drops/queue-settings";
import type { ActionState } from "@/lib/web/action";
import type { VariantSaved } from "../actions";
import { FieldError, fieldErrorsOf, fromLocalInput, Outcome, toLocalInput } from "../fields";
import styles from "../products.module.css";

export type VariantValues = { name: string; price: string; compareAtPrice: string; code: string; perCustomerLimit: string; saleStartsAt: string | null; onSale: boolean; waitingRoom?: WaitingRoom | null };
type Action = (prev: ActionState<VariantSaved>, form: FormData) => Promise<ActionState<VariantSaved>>;

export const EMPTY_VARIANT: VariantValues = { name: "", price: "", compareAtPrice: "", code: "", perCustomerLimit: "", saleStartsAt: null, onSale: true };

type Props = {
  id: string;
  initial: VariantValues;
  action: Action;
  /** Add form: initial stock per active location. Edit form: the on-sale switch instead (stock moves in the Stock room). */
  locations?: LocationView[];
  submitLabel: string;
  pendingLabel: string;
  success: string;
};

/**
 * A variant's fields: name, price, compare-at price, SKU code, and the drop (limit per customer,
 * launch time in the admin's time zone, sent as ISO 8601 with their offset). Controlled, so a
 * refusal keeps what was typed.
 */
export function VariantForm({ id, initial, action, locations, submitLabel, pendingLabel, success }: Props) {
  const room = initial.waitingRoom ?? WAITING_ROOM_DEFAULTS;
  const [values, setValues] = useState({
    ...initial,
    launch: toLocalInput(initial.saleStartsAt),
    queued: !!initial.waitingRoom,
    admitPerSecond: String(room.admitPerSecond),
    passMinutes: String(room.passMinutes),
    difficulty: String(room.difficulty),
  });
  const [stock, setStock] = useState<Record<number, string>>({});
  // React resets a form after its action; a checkbox takes back the state it was created with, so
  // the switches are created again after every answer, with what the form holds now.
  const [answers, setAnswers] = useState(0);
  const [state, dispatch] = useActionState<ActionState<VariantSaved>, FormData>(async (prev, form) => {
    const local = String(form.get("launch") ?? "");
    form.set("saleStartsAt", local === toLocalInput(initial.saleStartsAt) && initial.saleStartsAt ? initial.saleStartsAt : fromLocalInput(local));
    form.delete("launch");
    const answer = await action(prev, form);
    setAnswers((n) => n + 1);
    // Added: the form is ready for the next variant.
    if (answer?.ok && locations) {
      setValues((v) => ({ ...v, ...EMPTY_VARIANT, launch: "" }));
      setStock({});
    }
    return answer;
  }, null);
  const errors = fieldErrorsOf(state, { SKU_NAME_TAKEN: "name", SKU_CODE_TAKEN: "code" });
  const text = (field: keyof typeof values) => ({
    id: `${id}-${field}`,
    name: field,
    value: String(values[field] ?? ""),
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [field]: e.target.value })),
    "aria-invalid": !!errors?.[field === "launch" ? "saleStartsAt" : field],
    "aria-describedby": `${id}-${field}-note`,
  });
  const note = (field: string, hint: string, errorKey = field) =>
    errors?.[errorKey] ? <FieldError id={`${id}-${field}-note`} errors={errors[errorKey]} /> : <span id={`${id}-${field}-note`} className="field-hint">{hint}</span>;
  return (
    <form action={dispatch} noValidate>
      <Outcome state={state} fieldErrors={errors} success={state?.ok ? success.replace("{name}", state.data.name) : undefined} />
      <div className={styles.formGrid}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Variant name</label>
          <input {...text("name")} maxLength={124} autoComplete="off" required />
          {note("name", "e.g. Black, M or 128 GB")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-price`}>Price</label>
          <input {...text("price")} inputMode="decimal" autoComplete="off" required />
          {note("price", "e.g. 19.99")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-compareAtPrice`}>Compare-at price</label>
          <input {...text("compareAtPrice")} inputMode="decimal" autoComplete="off" />
          {note("compareAtPrice", "Optional: the “was” price, higher than the price")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-code`}>SKU code</label>
          <input {...text("code")} maxLength={64} autoComplete="off" />
          {note("code", "Optional, unique, e.g. TEE-BLK-M")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-perCustomerLimit`}>Limit per customer</label>
          <input {...text("perCustomerLimit")} inputMode="numeric" autoComplete="off" />
          {note("perCustomerLimit", "1 to 99, blank for none")}
        </div>
        <div className="field">
          <label htmlFor={`${id}-launch`}>Launch time</label>
          <input {...text("launch")} type="datetime-local" step={1} />
          {note("launch", "Blank: on sale at once", "saleStartsAt")}
        </div>
      </div>
      {locations ? (
        <fieldset className={styles.stock} aria-describedby={`${id}-stock-note`}>
          <legend>Initial stock</legend>
          <div className={styles.formGrid}>
            {locations.map((l) => (
              <div className="field" key={l.locationId}>
                <label htmlFor={`${id}-stock-${l.locationId}`}>{l.name}</label>
                <input
                  id={`${id}-stock-${l.locationId}`}
                  name={`stock.${l.locationId}`}
                  inputMode="numeric"
                  autoComplete="off"
                  value={stock[l.locationId] ?? ""}
                  onChange={(e) => setStock((s) => ({ ...s, [l.locationId]: e.target.value }))}
                />
              </div>
            ))}
          </div>
          {note("stock", "Units at each place, written to the stock ledger as “initial stock”.")}
        </fieldset>
      ) : (
        <>
          <fieldset className={styles.stock}>
            <legend>Waiting room</legend>
            <label className="row" style={{ marginBottom: "0.5rem" }}>
              <input
                key={answers}
                type="checkbox"
                name="waitingRoom"
                checked={values.queued}
                onChange={(e) => setValues((v) => ({ ...v, queued: e.target.checked }))}
                aria-describedby={`${id}-waitingRoom-note`}
                style={{ width: "1.25rem", height: "1.25rem" }}
              />
              Shoppers queue to buy
            </label>
            <span id={`${id}-waitingRoom-note`} className="field-hint">
              A line on the drop&apos;s page lets shoppers in at your rate; joining costs their browser a moment of work.
            </span>
            {values.queued && (
              <div className={styles.formGrid} style={{ marginTop: "0.5rem" }}>
                <div className="field">
                  <label htmlFor={`${id}-admitPerSecond`}>Let in per second</label>
                  <input {...text("admitPerSecond")} inputMode="numeric" autoComplete="off" />
                  {note("admitPerSecond", "1 to 10000 shoppers")}
                </div>
                <div className="field">
                  <label htmlFor={`${id}-passMinutes`}>Minutes to check out</label>
                  <input {...text("passMinutes")} inputMode="numeric" autoComplete="off" />
                  {note("passMinutes", "1 to 60; unused turns go to the next in line")}
                </div>
                <div className="field">
                  <label htmlFor={`${id}-difficulty`}>Difficulty</label>
                  <input {...text("difficulty")} inputMode="numeric" autoComplete="off" />
                  {note("difficulty", "500 is about 1 s on a phone")}
                </div>
              </div>
            )}
          </fieldset>
          <label className="row" style={{ marginBottom: "1rem" }}>
            <input key={answers} type="checkbox" name="onSale" checked={values.onSale} onChange={(e) => setValues((v) => ({ ...v, onSale: e.target.checked }))} style={{ width: "1.25rem", height: "1.25rem" }} />
            On sale
          </label>
        </>
      )}
      <SubmitButton pendingLabel={pendingLabel}>{submitLabel}</SubmitButton>
    </form>
  );
}
