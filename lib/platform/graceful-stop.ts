import "server-only";
import { closeDb } from "@/db";
import { log } from "@/lib/platform/log";
import { closeRedis } from "@/lib/platform/redis";
import { inFlight, startDraining, whenIdle } from "@/lib/platform/shutdown";

/** Longest a stop waits for in-flight work; under a process manager's usual 30 s kill timeout. */
const DRAIN_TIMEOUT_MS = 20_000;

/**
 * On SIGTERM/SIGINT: refuse new API requests (503 SHUTTING_DOWN), call `onStop` (the caller
 * stops its periodic work there, e.g. the sweeper: plumbing knows no domain), let in-flight
 * checkouts and batches finish (including their after-commit cart cleanup), close the MariaDB
 * pool and the Redis client, then hand over to `next start`'s own handler, which closes the HTTP
 * server and exits.
 *
 * `next start` registers its handler before it loads instrumentation; left alone it would close
 * the listener and exit as soon as open requests end, possibly in the middle of our closing the
 * pools. So its handlers are taken off and called after the drain instead.
 */
export function installGracefulStop({ onStop }: { onStop?: () => void } = {}) {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const nextHandlers = process.listeners(signal);
    process.removeAllListeners(signal);
    let stopping = false;
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void (async () => {
        const started = performance.now();
        log.info({ signal, inFlight: inFlight() }, "draining before exit");
        startDraining();
        onStop?.();
        const idle = await whenIdle(DRAIN_TIMEOUT_MS);
        const closed = await Promise.allSettled([closeDb(), closeRedis()]);
        log.info(
          { signal, idle, clientsClosed: closed.every((c) => c.status === "fulfilled"), ms: Math.round(performance.now() - started) },
          "drained; exiting",
        );
        if (nextHandlers.length === 0) process.exit(0);
        for (const handler of nextHandlers) (handler as (s: NodeJS.Signals) => void)(signal);
      })();
    });
  }
}
