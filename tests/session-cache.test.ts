import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { sessions } from "@/db/schema";
import { createSession, destroySession, getSessionUser } from "@/lib/auth/session";
import { SESSION_CACHE_MS } from "@/lib/auth/session-ttl";
import { getRedis } from "@/lib/platform/redis";
import { makeShopper } from "./support/fixtures";

/** The session's row (its id is the token's HMAC, the cache key's tag). */
async function rowOf(userId: number) {
  const [row] = await getDb().select().from(sessions).where(eq(sessions.userId, userId));
  return row!;
}

const cacheKey = (sessionId: string) => `session:{${sessionId}}`;
const settled = () => new Promise((r) => setTimeout(r, 50));

describe("sessions cached in Redis", () => {
  // Until its client is connected a process reads every session from the table.
  beforeAll(async () => {
    await getRedis().ping();
  });

  it("answers a session from Redis after its first lookup, for at most SESSION_CACHE_MS", async () => {
    const s = await makeShopper();
    const row = await rowOf(s.id);
    expect(await getSessionUser(s.token)).toEqual({ id: s.id, username: s.username, role: "shopper" });
    await settled();
    const ttl = await getRedis().pttl(cacheKey(row.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(SESSION_CACHE_MS);

    // With the row gone behind its back (not through destroySession), the cache still answers:
    // the lookup did not read the table.
    await getDb().delete(sessions).where(eq(sessions.id, row.id));
    expect(await getSessionUser(s.token)).toMatchObject({ id: s.id });
    await getRedis().del(cacheKey(row.id));
    expect(await getSessionUser(s.token)).toBeNull();
  });

  it("refuses an ended session at once, even where the row is read again", async () => {
    const s = await makeShopper();
    const row = await rowOf(s.id);
    expect(await getSessionUser(s.token)).not.toBeNull();
    await settled();
    await destroySession(s.token);
    expect(await rowOf(s.id)).toBeUndefined();
    expect(await getSessionUser(s.token)).toBeNull();
    // A lookup that read the row before it was deleted: the tombstone wins over it.
    await getDb().insert(sessions).values(row);
    expect(await getSessionUser(s.token)).toBeNull();
    await settled();
    expect(await getSessionUser(s.token)).toBeNull();
  });

  it("never brings back a session a lookup read while it was ending (the entry is added only where none is)", async () => {
    const s = await makeShopper();
    let revived = 0;
    for (let i = 0; i < 30; i++) {
      // A fresh session each round, never looked up: the lookup's GET misses, then its SELECT races the DELETE.
      const { token } = await createSession(s.id);
      await Promise.all([getSessionUser(token), destroySession(token)]);
      await settled();
      if ((await getSessionUser(token)) !== null) revived++;
    }
    expect(revived).toBe(0);
  });

  it("refuses a cached session once it expires, and caches it no longer than it lives", async () => {
    const s = await makeShopper();
    const row = await rowOf(s.id);
    await getDb().update(sessions).set({ expiresAt: new Date(Date.now() + 1_500) }).where(eq(sessions.id, row.id));
    expect(await getSessionUser(s.token)).not.toBeNull();
    await settled();
    expect(await getRedis().pttl(cacheKey(row.id))).toBeLessThanOrEqual(1_500);
    // Past its expiry the entry is refused even if Redis still held it.
    await getRedis().set(cacheKey(row.id), JSON.stringify({ id: s.id, username: s.username, role: "shopper", expiresAt: Date.now() - 1 }), "PX", 10_000);
    expect(await getSessionUser(s.token)).toBeNull();
  });
});
