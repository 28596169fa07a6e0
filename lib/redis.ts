import Redis from "ioredis";
import { env } from "@/lib/env";

const globalForRedis = globalThis as unknown as { stockroomRedis?: Redis };

/**
 * One client per process. While Redis is down a command waits for at most two reconnect
 * attempts and then fails, so callers answer 503 quickly instead of hanging; the client keeps
 * reconnecting in the background and recovers by itself.
 */
export function getRedis(): Redis {
  if (!globalForRedis.stockroomRedis) {
    const client = new Redis(env().REDIS_URL, {
      maxRetriesPerRequest: 2,
      connectTimeout: 2_000,
      commandTimeout: 3_000,
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    // Without a listener ioredis logs every failed reconnect as an unhandled error event.
    // Added once, with the client: adding it per call leaked one listener per cart operation.
    client.on("error", () => {});
    globalForRedis.stockroomRedis = client;
  }
  return globalForRedis.stockroomRedis;
}

export async function closeRedis() {
  const client = globalForRedis.stockroomRedis;
  globalForRedis.stockroomRedis = undefined;
  if (client) await client.quit().catch(() => client.disconnect());
}
