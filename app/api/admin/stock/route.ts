import { NextResponse } from "next/server";
import { listStock } from "@/lib/admin/stock";
import { requireAdmin, route } from "@/lib/web/http";

// Polled every 2 s by the admin console: never cached.
export const dynamic = "force-dynamic";

// Successful polls log at debug level, so an open admin tab does not fill the terminal.
export const GET = route(
  async (req) => {
    await requireAdmin(req);
    return NextResponse.json({ skus: await listStock() }, { headers: { "Cache-Control": "no-store" } });
  },
  { quiet: true },
);
