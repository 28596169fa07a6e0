import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { getRedis } from "@/lib/platform/redis";
import { isDraining } from "@/lib/platform/shutdown";

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);

/** Asks each dependency for a real round trip, not just whether a client object exists. */
export async function checkHealth() {
  const [db, redis] = await Promise.allSettled([within(getDb().execute(sql`SELECT 1`), 2_000), within(getRedis().ping(), 2_000)]);
  const status = { db: db.status === "fulfilled" ? "ok" : "down", redis: redis.status === "fulfilled" ? "ok" : "down" } as const;
  return { ...status, healthy: status.db === "ok" && status.redis === "ok" };
}

let buildId: string | null | undefined;

/** The build this process serves (`<distDir>/BUILD_ID`, written by `next build`); null when run from source. */
export function currentBuildId(): string | null {
  if (buildId === undefined) {
    try {
      buildId = readFileSync(path.join(process.cwd(), process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID"), "utf8").trim();
    } catch {
      buildId = null;
    }
  }
  return buildId;
}

/** Whether a load balancer should send this process traffic: not while it drains, not without its database or Redis. */
export async function checkReadiness() {
  const draining = isDraining();
  const { healthy, ...deps } = await checkHealth();
  return { ready: healthy && !draining, draining, ...deps };
}
