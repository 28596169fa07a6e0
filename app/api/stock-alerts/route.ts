import { NextResponse } from "next/server";
import { optionalUser, readJson, route } from "@/lib/web/http";
import { clientIp } from "@/lib/auth/client-address";
import { subscribeSchema } from "@/lib/alerts/schemas";
import { subscribe } from "@/lib/alerts/subscriptions";

export const dynamic = "force-dynamic";

/**
 * "Notify me when it's back": `{ skuId, email? }`. A signed-in shopper may leave out `email` (their
 * account's is used); a guest gives one. 201 subscribed, 200 already waiting, 409 NOT_SOLD_OUT.
 */
export const POST = route(async (req) => {
  const user = await optionalUser(req);
  const input = await readJson(req, subscribeSchema);
  const { alert, created } = await subscribe({ ...input, userId: user?.id ?? null, clientIp: clientIp(req.headers) });
  return NextResponse.json({ alert }, { status: created ? 201 : 200 });
});
