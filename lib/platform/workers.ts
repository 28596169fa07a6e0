import cluster from "node:cluster";

/**
 * What this server process knows about the pool of workers it serves in: under the launcher
 * (scripts/start.mjs, WEB_CONCURRENCY > 1) the primary tells every worker the pool's size and
 * how many workers are serving whenever that changes; alone, the process is a pool of one. For reporting
 * only (GET /api/health): no decision depends on it. Kept on globalThis so every bundle of the
 * server shares one copy.
 */
type Pool = { size: number; alive: number; restarts: number };

const state = ((globalThis as unknown as { stockroomWorkers?: { pool: Pool | null; listening: boolean } }).stockroomWorkers ??= { pool: null, listening: false });

/**
 * Tells the launcher this worker got through start-up (lib/startup.ts calls it after the
 * configuration checked out), and listens for its pool broadcasts. Once per process; a no-op
 * outside a cluster worker.
 */
export function listenToLauncher() {
  if (state.listening || !cluster.isWorker || !process.send) return;
  state.listening = true;
  process.on("message", (message: unknown) => {
    const m = message as { type?: string } & Partial<Pool>;
    if (m?.type === "stockroom:pool" && typeof m.size === "number") state.pool = { size: m.size, alive: m.alive ?? 0, restarts: m.restarts ?? 0 };
  });
  process.send({ type: "stockroom:ready" });
}

export function poolStatus() {
  return { worker: process.pid, ...(state.pool ?? { size: 1, alive: 1, restarts: 0 }) };
}
