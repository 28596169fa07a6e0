import { NextResponse } from "next/server";
import { listStock } from "@/lib/admin/stock";
import { requireAdmin, route } from "@/lib/http";

// Polled every 2 s by the admin console: never cached.
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  await requireAdmin(req);
  return NextResponse.json({ skus: await listStock() }, { headers: { "Cache-Control": "no-store" } });
});
