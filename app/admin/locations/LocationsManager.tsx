"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useActionState, useState } from "react";
import { FieldError } from "@/app/admin/ui/Field";
import { LOCATIONS_KEY, STOCK_KEY, useLocations } from "@/app/admin/ui/queries";
import { FormOutcome, StatusAlert } from "@/app/admin/ui/StatusAlert";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import type { LocationView } from "@/lib/admin/locations";
import type { ActionState } from "@/lib/web/action";
import { createLocationAction, saveLocationAction, setLocationActiveAction } from "./actions";

/** A refusal about the name (already taken) belongs at the Name field. */
function locationFieldErrors(state: ActionState<LocationView>): Record<string, string[] | undefined> | undefined {
  if (!state || state.ok) return undefined;
  if (state.fieldErrors) return state.fieldErrors;
  if (state.code === "LOCATION_NAME_TAKEN") return { name: [state.message] };
  return undefined;
}

/** Name and priority inputs, shared by a location's card and the "add" form; controlled, so a refusal keeps what was typed. */
function LocationFields(props: {
  id: string;
  name: string;
  priority: string;
  onName: (v: string) => void;
  onPriority: (v: string) => void;
  errors?: Record<string, string[] | undefined>;
  nameLabel: string;
}) {
  const { id, errors } = props;
  return (
    <div className="row" style={{ alignItems: "flex-start" }}>
      <div className="field" style={{ flex: 1, minWidth: "12rem", margin: 0 }}>
        <label htmlFor={`${id}-name`}>{props.nameLabel}</label>
        <input
          id={`${id}-name`}
          name="name"
          maxLength={64}
          autoComplete="off"
          placeholder="e.g. Store on Main Street"
          value={props.name}
          onChange={(e) => props.onName(e.target.value)}
          aria-invalid={!!errors?.name}
          aria-describedby={errors?.name ? `${id}-name-error` : undefined}
          required
        />
        <FieldError id={`${id}-name-error`} errors={errors?.name} />
      </div>
      <div className="field" style={{ margin: 0 }}>
        <label htmlFor={`${id}-priority`}>Priority</label>
        <input
          id={`${id}-priority`}
          name="priority"
          inputMode="numeric"
          autoComplete="off"
          value={props.priority}
          onChange={(e) => props.onPriority(e.target.value)}
          aria-invalid={!!errors?.priority}
          aria-describedby={errors?.priority ? `${id}-priority-error` : `${id}-priority-hint`}
          required
          style={{ width: "7rem" }}
        />
        {errors?.priority ? (
          <FieldError id={`${id}-priority-error`} errors={errors.priority} />
        ) : (
          <span id={`${id}-priority-hint`} className="muted" style={{ fontSize: "0.85rem" }}>
            Lower sells first
          </span>
        )}
      </div>
    </div>
  );
}

/** One location as a card (a table of inputs would scroll sideways on a phone): rename and re-prioritise, deactivate or reactivate. */
function LocationCard({ location }: { location: LocationView }) {
  const qc = useQueryClient();
  const [name, setName] = useState(location.name);
  const [priority, setPriority] = useState(String(location.priority));
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: LOCATIONS_KEY }), qc.invalidateQueries({ queryKey: STOCK_KEY })]);
  const toggle = useMutation({
    mutationFn: async (active: boolean) => {
      const result = await setLocationActiveAction(location.locationId, active);
      if (!result?.ok) throw new Error(result?.message ?? "Not changed.");
      return result.data;
    },
    onSettled: refresh,
  });
  const [state, action, saving] = useActionState(async (prev: ActionState<LocationView>, form: FormData) => {
    toggle.reset();
    const result = await saveLocationAction(location.locationId, prev, form);
    if (result?.ok) {
      setName(result.data.name);
      setPriority(String(result.data.priority));
    }
    await refresh();
    return result;
  }, null);
  const busy = saving || toggle.isPending;
  // One answer at a time: the newest move's.
  const shown = saving || !toggle.isIdle ? null : state;
  const errors = locationFieldErrors(shown);
  const id = `location-${location.locationId}`;
  return (
    <li className="location-card">
      {/* The buttons sit after the form (Save submits it by id): the confirmation dialog holds a form of its own. */}
      <div role="group" aria-labelledby={`${id}-title`} className="stack">
        <form id={`${id}-form`} action={action} className="stack" aria-label={`Name and priority of ${location.name}`}>
          <div className="row" style={{ justifyContent: "space-between" }}>
            <h3 id={`${id}-title`} style={{ margin: 0, fontSize: "1rem", overflowWrap: "anywhere" }}>
              {location.name}
            </h3>
            <span className={`badge ${location.active ? "in_stock" : "low"}`}>{location.active ? "Active" : "Inactive: not sellable"}</span>
          </div>
          {/* Both answers in one item of the stack: empty, they cost one gap, not two. */}
          <div>
            <FormOutcome shown={shown} fieldErrors={errors} success={(d) => `Saved: ${d.name}, priority ${d.priority}.`} />
            <StatusAlert
              error={toggle.isError ? toggle.error.message : undefined}
              success={
                toggle.isSuccess
                  ? toggle.data.active
                    ? `${toggle.data.name} is active: its units are sellable.`
                    : `${toggle.data.name} is inactive: its units are kept but not sellable.`
                  : undefined
              }
            />
          </div>
          <LocationFields id={id} nameLabel="Name" name={name} priority={priority} onName={setName} onPriority={setPriority} errors={errors} />
        </form>
        <div className="row" style={{ gap: "0.5rem" }}>
          <button type="submit" form={`${id}-form`} className="btn" disabled={busy}>
            {saving ? "Saving…" : "Save"}
            <span className="visually-hidden"> {location.name}</span>
          </button>
          {location.active ? (
            // Taking units off sale at once is the one move here that shoppers feel: it asks first.
            <ConfirmDialog
              triggerLabel={
                <>
                  Deactivate<span className="visually-hidden"> {location.name}</span>
                </>
              }
              pendingLabel="Deactivating…"
              title={`Deactivate ${location.name}?`}
              description={<p>Its units stop being sellable at once; they stay listed here and in each SKU&apos;s drawer. Activate it again to sell them.</p>}
              confirmLabel="Yes, deactivate"
              triggerClassName="btn secondary"
              pending={toggle.isPending}
              disabled={busy}
              onConfirm={() => toggle.mutate(false)}
            />
          ) : (
            <button type="button" className="btn secondary" disabled={busy} onClick={() => toggle.mutate(true)}>
              {toggle.isPending ? "Activating…" : "Activate"}
              <span className="visually-hidden"> {location.name}</span>
            </button>
          )}
        </div>
      </div>
    </li>
  );
}

/** The shop's stock locations: checkout drains the active ones in ascending priority. */
export function LocationsManager() {
  const qc = useQueryClient();
  const locations = useLocations();
  // Controlled, so a refused location keeps what was typed.
  const [name, setName] = useState("");
  const [priority, setPriority] = useState("10");
  const [state, action, pending] = useActionState(async (prev: ActionState<LocationView>, form: FormData) => {
    const result = await createLocationAction(prev, form);
    if (result?.ok) setName("");
    await qc.invalidateQueries({ queryKey: LOCATIONS_KEY });
    return result;
  }, null);
  const shown = pending ? null : state;
  const errors = locationFieldErrors(shown);
  return (
    <div className="stack">
      {locations.isPending ? (
        <p aria-busy="true">Loading locations…</p>
      ) : locations.isError ? (
        <p className="alert error" role="alert">
          {locations.error.message}
        </p>
      ) : (
        <ul className="location-list" aria-label="Locations">
          {locations.data.map((l) => (
            // Keyed by id alone: a save keeps the card (and its answer); the card shows what was stored.
            <LocationCard key={l.locationId} location={l} />
          ))}
        </ul>
      )}
      <form action={action} className="stack location-card" aria-label="Add a location">
        <FormOutcome shown={shown} fieldErrors={errors} success={(d) => `Added ${d.name} (priority ${d.priority}). It holds nothing until an adjustment or a transfer puts units there.`} />
        <LocationFields id="new-location" nameLabel="New location" name={name} priority={priority} onName={setName} onPriority={setPriority} errors={errors} />
        <div>
          <button type="submit" className="btn" disabled={pending}>
            {pending ? "Adding…" : "Add location"}
          </button>
        </div>
      </form>
    </div>
  );
}
