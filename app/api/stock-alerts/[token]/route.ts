import { route } from "@/lib/web/http";
import { unsubscribe } from "@/lib/alerts/subscriptions";

export const dynamic = "force-dynamic";

/** The signed unsubscribe link's token: 204 (also when it was already used), 404 STOCK_ALERT_NOT_FOUND when forged. */
export const DELETE = route<{ params: Promise<{ token: string }> }>(async (_req, { params }) => {
  await unsubscribe((await params).token);
  return new Response(null, { status: 204 });
});
