import { env, EnvError } from "@/lib/platform/env";
import { installGracefulStop } from "@/lib/platform/graceful-stop";
import { listenToLauncher } from "@/lib/platform/workers";
import { listenForCatalogChanges } from "@/lib/platform/page-cache/changes";
import { getRedis } from "@/lib/platform/redis";
import { startDropRecorder, stopDropRecorder } from "@/lib/drops/recorder";
import { startSweeper, stopSweeper } from "@/lib/sweep";
import { startRelay, stopRelay } from "@/lib/mail/relay";

// A bad configuration stops the process with one clear line instead of failing on first request.
try {
  env();
} catch (e) {
  if (!(e instanceof EnvError)) throw e;
  console.error(e.message);
  process.exit(1);
}

// Every server process sweeps (overdue unpaid orders, expired sessions); several at once are safe
// (the atomic move decides). Not while `next build` loads the app: there is no database then.
if (process.env.NEXT_PHASE !== "phase-production-build") {
  startSweeper();
  // Every process records drops (lib/drops/recorder.ts); one takes each pass, any may.
  startDropRecorder();
  // Every server process relays the mail outbox too; the per-row claims share the rows out.
  startRelay();
  installGracefulStop({
    onStop: () => {
      stopSweeper();
      stopDropRecorder();
      stopRelay();
    },
  });
  listenToLauncher();
  // Connect to Redis now rather than on the first request, so readiness and stockroom_redis_up
  // describe every worker from the start (it reconnects by itself if Redis is not up yet).
  getRedis();
  listenForCatalogChanges();
}
