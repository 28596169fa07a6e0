/**
 * What a graceful stop needs to know: whether the process is draining (new API requests are
 * refused with 503 SHUTTING_DOWN) and how much work is still in flight (requests through
 * `route()` and checkouts from server actions). Kept on globalThis so every bundle of the
 * server shares one state.
 */
const state = ((globalThis as unknown as { stockroomShutdown?: { draining: boolean; inFlight: number } }).stockroomShutdown ??= {
  draining: false,
  inFlight: 0,
});

export const isDraining = () => state.draining;
export const inFlight = () => state.inFlight;

export function startDraining() {
  state.draining = true;
}

/** Counts `work` as in flight until it settles. */
export async function tracked<T>(work: () => Promise<T>): Promise<T> {
  state.inFlight++;
  try {
    return await work();
  } finally {
    state.inFlight--;
  }
}

/** Resolves when nothing is in flight, or false after `timeoutMs` (a stuck request must not block exit forever). */
export async function whenIdle(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (state.inFlight > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
