"use server";

import { asUser, type ActionState } from "@/lib/web/action";
import { createLocation, updateLocation, type LocationView } from "@/lib/admin/locations";
import { locationForm, updateLocationSchema } from "@/lib/admin/schemas";
import { idOf } from "@/app/admin/ui/ids";

/** The locations manager's "add": the same service as `POST /api/admin/locations`. */
export async function createLocationAction(_prev: ActionState<LocationView>, form: FormData): Promise<ActionState<LocationView>> {
  return asUser(async () => createLocation(locationForm.parse({ name: form.get("name") ?? undefined, priority: form.get("priority") ?? undefined })), { role: "admin" });
}

/** A location's card in the manager: rename and re-prioritise from its form's strings (as `PUT /api/admin/locations/:id`). */
export async function saveLocationAction(locationId: number, _prev: ActionState<LocationView>, form: FormData): Promise<ActionState<LocationView>> {
  return asUser(
    async () => updateLocation(idOf(locationId, "LOCATION_NOT_FOUND"), locationForm.parse({ name: form.get("name") ?? undefined, priority: form.get("priority") ?? undefined })),
    { role: "admin" },
  );
}

/** Deactivate or reactivate: the same service as `PUT /api/admin/locations/:id {active}`. */
export async function setLocationActiveAction(locationId: number, active: boolean): Promise<ActionState<LocationView>> {
  return asUser(async () => updateLocation(idOf(locationId, "LOCATION_NOT_FOUND"), updateLocationSchema.parse({ active })), { role: "admin" });
}
