import Redis, { Cluster } from "ioredis";

/**
 * Stuck connections to Redis, found and replaced.
 *
 * A connection whose packets a partition dropped is left in TCP's retransmission back-off: once
 * the network is back, its next retransmission can be minutes away, and every command sent on it
 * until then times out (the cluster test's `r-split`: app 1 failed the other masters' slots for
 * 40 s and more after the heal). So every `everyMs` each ready connection is sent a PING; one
 * that stays silent for `pingMs` is compared with a fresh connection to the same node, and if the
 * fresh one answers, the old one is stuck: it is closed, and ioredis opens a new one and sends
 * its unanswered commands again (a cluster node's connection is dropped from the pool and made
 * anew). While the node itself is unreachable both stay silent and nothing is closed, so
 * commands keep failing after `commandTimeout`. (ioredis's own `socketTimeout` closes a silent
 * connection at once, also mid-partition, and a cluster then sends the commands round its
 * reconnects and slot refreshes, each retry re-arming their timeout: requests hung for tens of
 * seconds instead of failing in three.)
 */
export function watchRedisConnections(client: Redis | Cluster, { everyMs = 2_000, pingMs = 1_000 } = {}): () => void {
  const pool = client instanceof Cluster;
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    const connections = pool ? client.nodes("all") : [client];
    // Nothing here may reject unhandled: that would stop the process.
    void Promise.all(connections.map((c) => replaceIfStuck(c, pingMs, pool)))
      .catch(() => {})
      .finally(() => {
        checking = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function replaceIfStuck(connection: Redis, pingMs: number, poolMember: boolean) {
  if (connection.status !== "ready") return;
  let answered = false;
  await within(
    pong(connection).then((ok) => (answered = ok)),
    pingMs,
  );
  if (answered || connection.status !== "ready") return;
  const probe = connection.duplicate({ lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: pingMs, enableAutoPipelining: false });
  probe.on("error", () => {});
  try {
    const fresh = await within(pong(probe), pingMs);
    // Stuck only if its PING is still unanswered once a fresh connection has answered one: an
    // event loop that stalled delays both, and the old answer is read before the probe's.
    if (fresh && !answered && connection.status === "ready") {
      // A pool member reconnects by being made anew; a lone client reconnects by itself.
      connection.disconnect(!poolMember);
    }
  } finally {
    probe.disconnect();
  }
}

/** Whether the connection answers a PING (at all: `within` bounds the wait). */
const pong = (connection: Redis) =>
  connection.ping().then(
    () => true,
    () => false,
  );

/** `work`'s result, or false if it takes longer than `ms`. */
function within(work: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]).finally(() => clearTimeout(timer));
}
