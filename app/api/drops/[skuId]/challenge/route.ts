import { NextResponse } from "next/server";
import { queueChallenge } from "@/lib/drops/queue";
import { idParam, route } from "@/lib/web/http";

type Ctx = { params: Promise<{ skuId: string }> };

export const dynamic = "force-dynamic";

/** A fresh single-use ALTCHA challenge for joining the drop's line (the `altcha` widget's `challenge`). */
export const GET = route<Ctx>(async (_req, { params }) => {
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  return NextResponse.json(await queueChallenge(skuId), { headers: { "Cache-Control": "no-store" } });
});
