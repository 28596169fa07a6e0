import { NextResponse } from "next/server";
import { joinQueueSchema } from "@/lib/drops/queue-challenge";
import { joinQueue } from "@/lib/drops/queue";
import { idParam, readJson, requireUser, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ skuId: string }> };

/** `{ challengeSolution }` -> `201 { ticket, position, etaSeconds, state, prequeued }`; once per account (409 ALREADY_QUEUED with the same ticket). */
export const POST = route<Ctx>(async (req, { params }) => {
  const user = await requireUser(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const { challengeSolution } = await readJson(req, joinQueueSchema);
  return NextResponse.json(await joinQueue(user.id, skuId, challengeSolution), { status: 201, headers: { "Cache-Control": "no-store" } });
});
