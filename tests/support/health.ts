/** Asking a server started by a test, the bench or the cluster rig whether it serves (GET /api/health). */
import { waitFor } from "./wait";

export async function healthy(base: URL): Promise<boolean> {
  try {
    const res = await fetch(new URL("/api/health", base), { signal: AbortSignal.timeout(3_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Workers serving behind `base`, as its /api/health reports the launcher's pool (`pool.alive`); 0 while it does not answer healthy. */
export async function servingWorkers(base: URL): Promise<number> {
  try {
    const res = await fetch(new URL("/api/health", base), { signal: AbortSignal.timeout(3_000) });
    const body = (await res.json()) as { pool?: { alive?: number } };
    return res.ok ? (body.pool?.alive ?? 1) : 0;
  } catch {
    return 0;
  }
}

/**
 * Waits until all `workers` of the server at `base` serve. `exited` is asked on every poll, so a
 * server that died at start-up fails the wait at once instead of at the timeout.
 */
export async function waitUntilServing(base: URL, { workers = 1, ms = 60_000, exited }: { workers?: number; ms?: number; exited?: () => boolean } = {}) {
  await waitFor(
    `${workers} worker(s) to answer ${base.origin}/api/health`,
    async () => {
      if (exited?.()) throw new Error(`the server on ${base.origin} exited before it served`);
      return (await servingWorkers(base)) >= workers;
    },
    ms,
    200,
  );
}
