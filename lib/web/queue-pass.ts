/**
 * Where a waiting-room pass travels (lib/drops/queue-pass.ts): the `X-Queue-Pass` header (API
 * clients; several passes comma-separated) and the `sr_qp_<skuId>` cookie that
 * `GET /api/drops/:skuId/queue/me` sets when the shopper is admitted (the shop's checkout form).
 * Both checkout doors, `POST /api/orders` and the checkout action, read them here.
 */
export const QUEUE_PASS_HEADER = "x-queue-pass";
const COOKIE_PREFIX = "sr_qp_";

export const queuePassCookie = (skuId: number) => `${COOKIE_PREFIX}${skuId}`;

const MAX_PASSES = 16;

export function queuePassesOf(header: string | null | undefined, cookies: { name: string; value: string }[]): string[] {
  const fromHeader = (header ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const fromCookies = cookies.filter((c) => c.name.startsWith(COOKIE_PREFIX)).map((c) => c.value);
  return [...fromHeader, ...fromCookies].slice(0, MAX_PASSES);
}
