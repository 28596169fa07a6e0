import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** Per-request data every log line of that request carries (see the mixin in lib/platform/log.ts). */
export type RequestContext = { requestId: string };

// One per process, whichever of Next's bundles (route handlers, server actions, pages) loads this
// first: work started in one bundle (the shared checkout, lib/orders/checkout.ts) logs from another.
export const requestContext = ((globalThis as unknown as { stockroomRequestContext?: AsyncLocalStorage<RequestContext> }).stockroomRequestContext ??=
  new AsyncLocalStorage<RequestContext>());

// An incoming id is kept only if it is short and plain, so it cannot forge or bloat log lines.
const SANE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** The caller's `x-request-id` when sane (a proxy's trace id), else a fresh one. */
export function requestIdFrom(header: string | null): string {
  return header && SANE_ID.test(header) ? header : randomUUID();
}

/** Runs `fn` with a request id, as route() does for route handlers: for server actions. */
export function withRequestId<T>(header: string | null, fn: () => Promise<T>): Promise<T> {
  return requestContext.run({ requestId: requestIdFrom(header) }, fn);
}
