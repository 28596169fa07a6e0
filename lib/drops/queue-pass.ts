import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/platform/env";

/**
 * The pass an admitted shopper checks out with:
 * `<userId>.<skuId>.<ticket>.<expiresAtMs>.<HMAC-SHA256, base64url>`, signed with SESSION_SECRET.
 * Checked without Redis (a failover loses no pass); only "used once" lives in Redis.
 */
export type QueuePass = { userId: number; skuId: number; ticket: number; expiresAt: number };

const FORMAT = /^(\d{1,15})\.(\d{1,15})\.(\d{1,15})\.(\d{13})\.([A-Za-z0-9_-]{43})$/;

const sign = (p: QueuePass) => createHmac("sha256", env().SESSION_SECRET).update(`queue-pass:${p.userId}:${p.skuId}:${p.ticket}:${p.expiresAt}`).digest();

export const passToken = (p: QueuePass) => `${p.userId}.${p.skuId}.${p.ticket}.${p.expiresAt}.${sign(p).toString("base64url")}`;

/** The pass a token carries, if its signature holds (whoever it was issued to, however old). */
export function readPass(token: string): QueuePass | null {
  const m = FORMAT.exec(token);
  if (!m) return null;
  const pass = { userId: Number(m[1]), skuId: Number(m[2]), ticket: Number(m[3]), expiresAt: Number(m[4]) };
  const given = Buffer.from(m[5]!, "base64url");
  return given.length === 32 && timingSafeEqual(given, sign(pass)) ? pass : null;
}

/** The SKU a token claims to be for, read without trusting it (to tell a forged pass from no pass). */
export function claimedSku(token: string): number | null {
  const m = FORMAT.exec(token);
  return m ? Number(m[2]) : null;
}
