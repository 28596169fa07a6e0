import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/platform/env";

/**
 * The unsubscribe link's token: `<subscription id>.<HMAC>` (SESSION_SECRET, base64url). It
 * names one subscription row, so once that row is gone (unsubscribed, or notified) the token
 * deletes nothing, and a later subscription of the same e-mail has a new id a stale link cannot
 * reach. A token that does not verify is STOCK_ALERT_NOT_FOUND.
 */

const TOKEN = /^([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{43})$/;

const sign = (alertId: number) => createHmac("sha256", env().SESSION_SECRET).update(`stock-alert:${alertId}`).digest();

export const alertToken = (alertId: number) => `${alertId}.${sign(alertId).toString("base64url")}`;

/** The subscription id a token names, or null for anything forged, cut short or garbled. */
export function alertIdOf(token: string): number | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  const given = Buffer.from(m[2]!, "base64url");
  return given.length === 32 && timingSafeEqual(given, sign(id)) ? id : null;
}
