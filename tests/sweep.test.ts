import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { sessions } from "@/db/schema";
import { getSessionUser, purgeExpiredSessions } from "@/lib/auth/session";
import { startSweeper, stopSweeper, sweep } from "@/lib/sweep";
import { makeShopper, uid } from "./support/fixtures";

const root = path.resolve(import.meta.dirname, "..");
const DAY = 86_400_000;

/** Session rows that expired at `expiresAt` (default: yesterday), straight into the table. */
async function expiredSessions(userId: number, n = 1, expiresAt = new Date(Date.now() - DAY)) {
  const ids = Array.from({ length: n }, () => uid("expired-"));
  await getDb()
    .insert(sessions)
    .values(ids.map((id) => ({ id, userId, expiresAt })));
  return ids;
}

async function remaining(ids: string[]) {
  const rows = await getDb().select({ id: sessions.id }).from(sessions).where(inArray(sessions.id, ids));
  return rows.map((r) => r.id).sort();
}

async function liveSessionCount(userId: number) {
  return (await getDb().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).length;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the sweep purges expired sessions", () => {
  afterEach(() => stopSweeper());

  it("deletes an expired session row and keeps a live one, which still signs its user in", async () => {
    const user = await makeShopper(); // signed in: one live session
    const expired = await expiredSessions(user.id);

    const report = await sweep();

    expect(report.sessionsPurged).toBeGreaterThanOrEqual(1);
    expect(await remaining(expired)).toEqual([]);
    expect(await liveSessionCount(user.id)).toBe(1);
    expect(await getSessionUser(user.token)).toMatchObject({ id: user.id });
  });

  it("works through a backlog in bounded batches, and the next call carries on where the cap stopped", async () => {
    const user = await makeShopper();
    // Expired long ago, and swept "as of" a day later, so no other file's sessions are counted.
    const longAgo = new Date("2001-01-01T00:00:00Z");
    const asOf = new Date(longAgo.getTime() + DAY);
    const backlog = await expiredSessions(user.id, 7, longAgo);

    expect(await purgeExpiredSessions({ now: asOf, batchSize: 3, maxBatches: 2 })).toBe(6);
    expect(await remaining(backlog)).toHaveLength(1);
    expect(await purgeExpiredSessions({ now: asOf, batchSize: 3, maxBatches: 2 })).toBe(1);
    expect(await remaining(backlog)).toEqual([]);
    expect(await liveSessionCount(user.id)).toBe(1);
  });

  it("is run by the in-server sweeper (started from lib/startup.ts)", async () => {
    const user = await makeShopper();
    const expired = await expiredSessions(user.id);
    expect(startSweeper(0.05)).toBe(true);
    await until(async () => (await remaining(expired)).length === 0);
    expect(await liveSessionCount(user.id)).toBe(1);
  });

  it("does not start the in-server sweeper when SWEEP_INTERVAL is 0", () => {
    expect(startSweeper(0)).toBe(false);
  });

  it("is run by `npm run sweep` (scripts/sweep.ts, as cron runs it)", async () => {
    const user = await makeShopper();
    const expired = await expiredSessions(user.id, 2);
    // The child inherits this worker's environment: the test database and Redis.
    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "sweep"], { cwd: root, timeout: 60_000 });
    expect(stdout).toMatch(/purged [1-9]\d* expired session\(s\)/);
    expect(await remaining(expired)).toEqual([]);
    expect(await liveSessionCount(user.id)).toBe(1);
  });
});
