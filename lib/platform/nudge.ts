/**
 * In-process nudges: a writer, after its commit, tells this process's worker for a topic that
 * there is new work, so the worker runs now rather than at its next poll. Only a hint: workers
 * still poll, so a nudge that reaches nobody (the work was written by another process) costs a
 * poll interval, nothing else. A topic has at most one listener per process. Kept on globalThis
 * so every bundle of the process (instrumentation, routes, actions) shares one registry.
 */
const listeners = ((globalThis as unknown as { stockroomNudges?: Map<string, () => void> }).stockroomNudges ??= new Map());

export function nudge(topic: string) {
  listeners.get(topic)?.();
}

/** Listens for `topic`'s nudges; returns the function that stops listening. */
export function onNudge(topic: string, listener: () => void): () => void {
  listeners.set(topic, listener);
  return () => {
    if (listeners.get(topic) === listener) listeners.delete(topic);
  };
}
