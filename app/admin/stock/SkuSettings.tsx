"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useState } from "react";
import { FieldNote, noteOf } from "@/app/admin/ui/Field";
import { skuLabel } from "@/app/admin/ui/format";
import { STOCK_KEY } from "@/app/admin/ui/queries";
import { FormOutcome } from "@/app/admin/ui/StatusAlert";
import { launchDate } from "@/app/components/launch";
import type { StockRow } from "@/lib/admin/stock";
import { formatMoney } from "@/lib/money";
import type { ActionState } from "@/lib/web/action";
import { updatePriceAndNameAction, updateSaleSettingsAction, type PriceAndNameResult, type SaleSettingsResult } from "./actions";
import { fromLocalInput, toLocalInput } from "@/app/admin/ui/local-time";

// The Manage drawer's settings of one SKU: price and name, limit and launch.

/** Another variant of the product already has the name: said at the Name field. */
function priceAndNameFieldErrors(state: ActionState<PriceAndNameResult>): Record<string, string[] | undefined> | undefined {
  if (!state || state.ok) return undefined;
  if (state.fieldErrors) return state.fieldErrors;
  if (state.code === "SKU_NAME_TAKEN") return { name: [state.message] };
  return undefined;
}

/** The SKU's unit price and variant name; carts and checkouts use them from now on, placed orders keep theirs. */
export function PriceAndNameForm({ sku }: { sku: StockRow }) {
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

function savedWords({ perCustomerLimit, saleStartsAt }: SaleSettingsResult) {
  const limit = perCustomerLimit === null ? "no limit per customer" : `limit ${perCustomerLimit} per customer`;
  const launch = saleStartsAt === null ? "on sale at once" : `launch ${launchDate(saleStartsAt, true)}`;
  return `Saved: ${limit}, ${launch}.`;
}

/** The SKU's per-customer limit and launch time. Blank means none; they apply to checkouts from now on. */
export function SaleSettingsForm({ sku }: { sku: StockRow }) {
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

