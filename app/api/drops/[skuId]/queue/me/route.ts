import { NextResponse } from "next/server";
import { myQueue } from "@/lib/drops/queue";
import { env } from "@/lib/platform/env";
import { idParam, requireUser, route } from "@/lib/web/http";
import { queuePassCookie } from "@/lib/web/queue-pass";

type Ctx = { params: Promise<{ skuId: string }> };

export const dynamic = "force-dynamic";

/**
 * The shopper's place in the drop's line; once admitted, the pass, also set as the
 * `sr_qp_<skuId>` cookie (HttpOnly, until the pass expires) that the checkout reads.
 */
export const GET = route<Ctx>(
  async (req, { params }) => {
    const user = await requireUser(req);
    const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
    const me = await myQueue(user.id, skuId);
    const res = NextResponse.json(me, { headers: { "Cache-Control": "private, no-store" } });
    if ("pass" in me) {
      const maxAge = Math.max(1, Math.floor((Date.parse(me.passExpiresAt) - Date.parse(me.serverTime)) / 1000));
      res.cookies.set(queuePassCookie(skuId), me.pass, { path: "/", httpOnly: true, sameSite: "lax", maxAge, secure: env().NODE_ENV === "production" });
    }
    return res;
  },
  { quiet: true },
);
