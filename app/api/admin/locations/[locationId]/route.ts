import { NextResponse } from "next/server";
import { updateLocation } from "@/lib/admin/locations";
import { updateLocationSchema } from "@/lib/admin/schemas";
import { idParam, readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ locationId: string }> };

export const PUT = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  const locationId = idParam((await params).locationId, "LOCATION_NOT_FOUND");
  const change = await readJson(req, updateLocationSchema);
  return NextResponse.json({ location: await updateLocation(locationId, change) });
});
