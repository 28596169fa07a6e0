import { NextResponse } from "next/server";
import { queueStatus } from "@/lib/drops/queue";
import { idParam, route } from "@/lib/web/http";

type Ctx = { params: Promise<{ skuId: string }> };

export const dynamic = "force-dynamic";

/**
 * The line as everyone sees it (now serving, tickets issued, state, rate, server time): the same
 * for every shopper, so the front caches it for a second and 5,000 pollers cost the app one
 * request a second (scripts/front).
 */
export const GET = route<Ctx>(
  async (_req, { params }) => {
    const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
    return NextResponse.json(await queueStatus(skuId), { headers: { "Cache-Control": "public, s-maxage=1" } });
  },
  { quiet: true },
);
