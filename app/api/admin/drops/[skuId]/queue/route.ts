import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { queueBoard } from "@/lib/drops/queue";
import { idParam, requireAdmin, route } from "@/lib/web/http";

type Ctx = { params: Promise<{ skuId: string }> };

export const dynamic = "force-dynamic";

/** The drop's line for the console: waiting, rate, passes admitted/used/expired, median wait, closed-at. 404 QUEUE_NOT_FOUND without a waiting room. */
export const GET = route<Ctx>(
  async (req, { params }) => {
    await requireAdmin(req);
    const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
    const board = await queueBoard(skuId);
    if (!board) throw new AppError("QUEUE_NOT_FOUND");
    return NextResponse.json({ queue: board }, { headers: { "Cache-Control": "no-store" } });
  },
  { quiet: true },
);
