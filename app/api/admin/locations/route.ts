import { NextResponse } from "next/server";
import { createLocation, listLocations } from "@/lib/admin/locations";
import { createLocationSchema } from "@/lib/admin/schemas";
import { readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  await requireAdmin(req);
  return NextResponse.json({ locations: await listLocations() }, { headers: { "Cache-Control": "no-store" } });
});

export const POST = route(async (req) => {
  await requireAdmin(req);
  const input = await readJson(req, createLocationSchema);
  return NextResponse.json({ location: await createLocation(input) }, { status: 201 });
});
