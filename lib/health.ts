import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { getRedis } from "@/lib/redis";

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);

/** Asks each dependency for a real round trip, not just whether a client object exists. */
export async function checkHealth() {
  const [db, redis] = await Promise.allSettled([within(getDb().execute(sql`SELECT 1`), 2_000), within(getRedis().ping(), 2_000)]);
  const status = { db: db.status === "fulfilled" ? "ok" : "down", redis: redis.status === "fulfilled" ? "ok" : "down" } as const;
  return { ...status, healthy: status.db === "ok" && status.redis === "ok" };
}
