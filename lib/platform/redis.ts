import "server-only";
import Redis, { Cluster } from "ioredis";
import { env } from "@/lib/platform/env";
import { watchRedisConnections } from "@/lib/platform/redis-liveness";

/** A single Redis or a Redis Cluster: the same command API, so callers need not care. */
export type RedisClient = Redis | Cluster;

const globalForRedis = globalThis as unknown as { stockroomRedis?: RedisClient; stockroomRedisUnwatch?: () => void };

// While Redis is down a command waits for at most two reconnect attempts and then fails, so
// callers answer 503 quickly instead of hanging; the client keeps reconnecting by itself.
const commandOptions = { maxRetriesPerRequest: 2, connectTimeout: 2_000, commandTimeout: 3_000 } as const;
// Auto-pipelining: commands issued in the same tick (many concurrent checkouts) leave in one
// write, which halves the client's CPU per command under load and costs nothing when idle.
const pipelining = { enableAutoPipelining: true } as const;
const backoff = (times: number) => Math.min(times * 100, 1_000);
// ioredis 6 asks the cluster for its slot map only on a redirection or a lost connection, never
// on a timeout: a process cut off from a master by a partition kept sending that master's slots
// to it, every command timing out, long after its replica had been promoted (the cluster
// test's `r-split`). Asking every 2 s (one CLUSTER SLOTS, to any node that answers) bounds that.
const slotsRefreshInterval = 2_000;

/** `host:port,host:port` -> startup nodes; the client discovers the rest of the cluster itself. */
export function parseClusterNodes(list: string) {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((hostPort) => {
      const i = hostPort.lastIndexOf(":");
      return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
    });
}

/**
 * One client per process: a `Cluster` when `REDIS_CLUSTER_NODES` is set, otherwise `REDIS_URL`.
 * Every multi-key operation in this codebase keeps its keys under one hash tag (`{...}`), so it
 * runs on one cluster node.
 */
export function getRedis(): RedisClient {
  if (globalForRedis.stockroomRedis) return globalForRedis.stockroomRedis;
  const { REDIS_CLUSTER_NODES, REDIS_URL } = env();
  const client: RedisClient = REDIS_CLUSTER_NODES
    ? new Cluster(parseClusterNodes(REDIS_CLUSTER_NODES), { redisOptions: commandOptions, clusterRetryStrategy: backoff, slotsRefreshInterval, ...pipelining })
    : new Redis(REDIS_URL, { ...commandOptions, ...pipelining, retryStrategy: backoff });
  // Without a listener ioredis logs every failed reconnect as an unhandled error event.
  client.on("error", () => {});
  globalForRedis.stockroomRedis = client;
  globalForRedis.stockroomRedisUnwatch = watchRedisConnections(client);
  return client;
}

export async function closeRedis() {
  const client = globalForRedis.stockroomRedis;
  globalForRedis.stockroomRedis = undefined;
  globalForRedis.stockroomRedisUnwatch?.();
  if (client) await client.quit().catch(() => client.disconnect());
}
