import { NextResponse } from "next/server";
import { z } from "zod";
import { readDropLive } from "@/lib/drops/live";
import { idParam, parseWith, requireAdmin, route } from "@/lib/web/http";

type Ctx = { params: Promise<{ skuId: string }> };

// Polled every second by the console's drop view: never cached.
export const dynamic = "force-dynamic";

/** `since`: the first epoch second wanted (the view asks again from a few seconds before its newest, which may have grown). */
const query = z.object({ since: z.coerce.number().int().min(0).max(1e11).optional() });

export const GET = route<Ctx>(
  async (req, { params }) => {
    await requireAdmin(req);
    const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
    const { since } = parseWith(query, Object.fromEntries(req.nextUrl.searchParams));
    return NextResponse.json(await readDropLive(skuId, since), { headers: { "Cache-Control": "no-store" } });
  },
  { quiet: true },
);
