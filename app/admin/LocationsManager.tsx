"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useState } from "react";
import { createLocationAction, updateLocationAction } from "@/app/admin/actions";
import type { LocationView } from "@/lib/admin/locations";
import type { ActionState } from "@/lib/web/action";
import { LOCATIONS_KEY, STOCK_KEY, useLocations } from "./queries";

/** One location: rename and re-prioritise in place, deactivate or reactivate (the server refuses the last active one). */
function LocationRow({ location, onAnswer }: { location: LocationView; onAnswer: (message: string, ok: boolean) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(location.name);
  const [priority, setPriority] = useState(String(location.priority));
  const [busy, setBusy] = useState(false);
  const save = async (change: Record<string, unknown>, done: string) => {
    setBusy(true);
    const result = await updateLocationAction(location.locationId, change);
    setBusy(false);
    onAnswer(result?.ok ? done : (result?.message ?? "Not saved."), !!result?.ok);
    await Promise.all([qc.invalidateQueries({ queryKey: LOCATIONS_KEY }), qc.invalidateQueries({ queryKey: STOCK_KEY })]);
  };
  const id = `location-${location.locationId}`;
  return (
    <tr>
      <td>
        <label htmlFor={`${id}-name`} className="visually-hidden">
          Name of {location.name}
        </label>
        <input id={`${id}-name`} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} style={{ width: "100%", minWidth: "8rem" }} />
      </td>
      <td className="num">
        <label htmlFor={`${id}-priority`} className="visually-hidden">
          Priority of {location.name}
        </label>
        <input id={`${id}-priority`} inputMode="numeric" value={priority} onChange={(e) => setPriority(e.target.value)} style={{ width: "5rem" }} />
      </td>
      <td>{location.active ? "Active" : "Inactive"}</td>
      <td>
        <div className="row" style={{ gap: "0.5rem" }}>
          <button
            type="button"
            className="btn secondary small"
            disabled={busy}
            onClick={() => save({ name, priority: /^\d+$/.test(priority.trim()) ? Number(priority) : priority }, `Saved ${name}.`)}
          >
            Save<span className="visually-hidden"> {location.name}</span>
          </button>
          <button
            type="button"
            className="btn secondary small"
            disabled={busy}
            onClick={() => save({ active: !location.active }, `${location.name} is now ${location.active ? "inactive: its units are not sellable" : "active"}.`)}
          >
            {location.active ? "Deactivate" : "Activate"}
            <span className="visually-hidden"> {location.name}</span>
          </button>
        </div>
      </td>
    </tr>
  );
}

/** The shop's stock locations: checkout drains the active ones in ascending priority. */
export function LocationsManager() {
  const qc = useQueryClient();
  const locations = useLocations();
  const [answer, setAnswer] = useState<{ message: string; ok: boolean } | null>(null);
  const [state, action, pending] = useActionState(async (prev: ActionState<LocationView>, form: FormData) => {
    const result = await createLocationAction(prev, form);
    await qc.invalidateQueries({ queryKey: LOCATIONS_KEY });
    setAnswer(result?.ok ? { message: `Added ${result.data.name}.`, ok: true } : { message: result?.message ?? "Not added.", ok: false });
    return result;
  }, null);
  void state;
  return (
    <section aria-labelledby="locations-title" className="stack">
      <h2 id="locations-title">Locations</h2>
      <p className="muted">Checkout takes units from active locations, lowest priority number first, and splits a line when one runs out.</p>
      <div aria-live="polite">{answer && <p className={`alert ${answer.ok ? "success" : "error"}`} role={answer.ok ? "status" : "alert"}>{answer.message}</p>}</div>
      {locations.data && (
        <div className="table-wrap">
          <table aria-label="Locations">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Priority
                </th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {locations.data.map((l) => (
                <LocationRow key={`${l.locationId}-${l.name}-${l.priority}-${l.active}`} location={l} onAnswer={(message, ok) => setAnswer({ message, ok })} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form action={action} className="row" aria-label="Add a location" style={{ alignItems: "flex-end" }}>
        <div className="field">
          <label htmlFor="new-location-name">New location</label>
          <input id="new-location-name" name="name" maxLength={64} placeholder="e.g. Store on Main Street" required />
        </div>
        <div className="field">
          <label htmlFor="new-location-priority">Priority</label>
          <input id="new-location-priority" name="priority" inputMode="numeric" defaultValue="10" required style={{ width: "5rem" }} />
        </div>
        <button type="submit" className="btn" disabled={pending}>
          {pending ? "Adding…" : "Add location"}
        </button>
      </form>
    </section>
  );
}
