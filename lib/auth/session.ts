import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { and, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { affectedRows, getDb, preparedQuery } from "@/db";
import { sessions, users, type Role } from "@/db/schema";
import { env } from "@/lib/platform/env";

export const SESSION_COOKIE = "stockroom_session";
const SESSION_DAYS = 30;

export type SessionUser = { id: number; username: string; role: Role };

const tokenId = (token: string) => createHmac("sha256", env().SESSION_SECRET).update(token).digest("hex");

export function sessionCookieOptions(expires: Date) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: env().NODE_ENV === "production",
    path: "/",
    expires,
  };
}

/** Stores a new session; the cookie carries the token, the table only its HMAC. */
export async function createSession(userId: number) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await getDb().insert(sessions).values({ id: tokenId(token), userId, expiresAt });
  return { token, expiresAt };
}

// Every signed-in request runs this one.
const sessionUser = preparedQuery((db) =>
  db
    .select({ id: users.id, username: users.username, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("id")), gt(sessions.expiresAt, sql.placeholder("now"))))
    .limit(1)
    .prepare(),
);

export async function getSessionUser(token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 128) return null;
  const [row] = await sessionUser().execute({ id: tokenId(token), now: new Date() });
  return row ?? null;
}

export async function destroySession(token: string | undefined) {
  if (!token) return;
  await getDb().delete(sessions).where(eq(sessions.id, tokenId(token)));
}

export type PurgeOptions = { now?: Date; batchSize?: number; maxBatches?: number };

/**
 * Deletes sessions past their expiry, `batchSize` rows at a time, so a large backlog never holds
 * locks for long: each batch is a plain (lock-free) read of expired ids, then a delete of just
 * those rows by primary key, which also keeps the statement deterministic for replication (a
 * DELETE ... LIMIT is not). `maxBatches` caps one call; the next sweep carries on. Safe in several
 * processes at once: a row another process deleted first is simply not counted twice.
 */
export async function purgeExpiredSessions({ now = new Date(), batchSize = 500, maxBatches = 20 }: PurgeOptions = {}): Promise<number> {
  const db = getDb();
  let purged = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const expired = await db.select({ id: sessions.id }).from(sessions).where(lt(sessions.expiresAt, now)).limit(batchSize);
    if (expired.length === 0) break;
    const ids = expired.map((s) => s.id);
    purged += affectedRows(await db.delete(sessions).where(and(inArray(sessions.id, ids), lt(sessions.expiresAt, now))));
    if (expired.length < batchSize) break;
  }
  return purged;
}
