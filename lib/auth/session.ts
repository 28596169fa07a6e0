import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { and, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { affectedRows, getDb, preparedQuery } from "@/db";
import { sessions, users, type Role } from "@/db/schema";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { getRedis } from "@/lib/platform/redis";
import { SESSION_CACHE_MS, SESSION_DAYS } from "./session-ttl";

export const SESSION_COOKIE = "stockroom_session";

export type SessionUser = { id: number; username: string; role: Role };

/**
 * The session's id: the HMAC of its token. Every signed-in request derives it, mostly for a token
 * this process saw a moment ago, and an HMAC cost a checkout about 25 us of a worker's CPU, so the
 * latest MEMO_MAX are remembered (oldest out first). The secret is fixed for the process's life
 * (env() is read once), so the memo only spares recomputing the same answer.
 */
const MEMO_MAX = 10_000;
const recentIds = new Map<string, string>();
function tokenId(token: string): string {
  let id = recentIds.get(token);
  if (id === undefined) {
    id = createHmac("sha256", env().SESSION_SECRET).update(token).digest("hex");
    if (recentIds.size >= MEMO_MAX) recentIds.delete(recentIds.keys().next().value!);
    recentIds.set(token, id);
  }
  return id;
}

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

// A signed-in request whose session Redis does not hold yet runs this one.
const sessionUser = preparedQuery((db) =>
  db
    .select({ id: users.id, username: users.username, role: users.role, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("id")), gt(sessions.expiresAt, sql.placeholder("now"))))
    .limit(1)
    .prepare(),
);

/**
 * Sessions are read on every signed-in request, so Redis holds each one for up to
 * SESSION_CACHE_MS: over HTTP the MariaDB lookup cost a worker about 0.4 ms of CPU per request
 * and MariaDB a statement, a Redis GET next to nothing. The table stays the record. Ending a
 * session overwrites its entry with a tombstone first, and an entry is only ever added where
 * none is (`NX`), so a lookup that read the row just before it was deleted cannot bring it back.
 * Where Redis does not hear of the end (down at that moment, or `npm run admin:create`'s reset,
 * which runs without Redis) a cached session lives at most SESSION_CACHE_MS more. While Redis is
 * down every lookup reads the table.
 */
const cacheKey = (id: string) => `session:{${id}}`;
const ENDED = "ended";

type Cached = SessionUser & { expiresAt: number };

function cachedSession(id: string): Promise<string | null> | null {
  const redis = getRedis();
  if (redis.status !== "ready") return null;
  return redis.get(cacheKey(id)).catch(() => null);
}

function remember(id: string, row: SessionUser & { expiresAt: Date }) {
  const ttl = Math.min(SESSION_CACHE_MS, row.expiresAt.getTime() - Date.now());
  if (ttl <= 0 || getRedis().status !== "ready") return;
  const entry: Cached = { id: row.id, username: row.username, role: row.role, expiresAt: row.expiresAt.getTime() };
  getRedis().set(cacheKey(id), JSON.stringify(entry), "PX", ttl, "NX").catch(() => {});
}

export async function getSessionUser(token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 128) return null;
  const id = tokenId(token);
  const cached = await cachedSession(id);
  if (cached === ENDED) return null;
  if (cached) {
    const { expiresAt, ...user } = JSON.parse(cached) as Cached;
    return expiresAt > Date.now() ? user : null;
  }
  const [row] = await sessionUser().execute({ id, now: new Date() });
  if (!row) return null;
  remember(id, row);
  const { expiresAt: _, ...user } = row;
  return user;
}

export async function destroySession(token: string | undefined) {
  if (!token) return;
  const id = tokenId(token);
  try {
    await getRedis().set(cacheKey(id), ENDED, "PX", SESSION_CACHE_MS);
  } catch (err) {
    log.warn({ err }, `ending a session without Redis: a server that cached it accepts it for at most ${SESSION_CACHE_MS / 1000} s more`);
  }
  await getDb().delete(sessions).where(eq(sessions.id, id));
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
