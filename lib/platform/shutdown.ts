/**
 * What a graceful stop needs to know: whether the process is draining (new API requests are
 * refused with 503 SHUTTING_DOWN) and how much work is still in flight (requests through
 * `route()` and checkouts from server actions). Kept on globalThis so every bundle of the
 * server shares one state.
 */
const state = ((globalThis as unknown as { stockroomShutdown?: { draining: boolean; inFlight: number; idle: (() => void)[] } }).stockroomShutdown ??= {
  draining: false,
  inFlight: 0,
  idle: [],
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
    if (--state.inFlight === 0) for (const wake of state.idle.splice(0)) wake();
  }
}

/** Resolves true when nothing is in flight, or false after `timeoutMs` (a stuck request must not block exit forever). */
export function whenIdle(timeoutMs: number): Promise<boolean> {
  if (state.inFlight === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    state.idle.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
