import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { getSessionUser, SESSION_COOKIE, type SessionUser } from "@/lib/auth/session";
import { AppError, type ErrorCode } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { metrics } from "@/lib/platform/metrics/registry";
import { routePattern } from "@/lib/platform/metrics/route-pattern";
import { requestContext, requestIdFrom } from "@/lib/platform/request-context";
import { isDraining, tracked } from "@/lib/platform/shutdown";
import { toAppError, validationError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

function errorBody(e: AppError) {
  return { error: { code: e.code, message: e.message, ...e.details } };
}

/** Any thrown value as the API's error answer (the mapping is lib/web/errors.ts's, shared with server actions). */
export function errorResponse(e: unknown): NextResponse {
  const error = toAppError(e);
  const headers: Record<string, string> = {};
  if (error.retryAfter) headers["Retry-After"] = String(error.retryAfter);
  return NextResponse.json(errorBody(error), { status: error.status, headers });
}

type Handler<C> = (req: NextRequest, ctx: C) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for route handlers: a browser always sends `Origin` on a cross-origin POST, so a
 * state-changing request whose Origin names another host is refused. Requests without Origin
 * (curl, server-to-server, the benchmark) carry no ambient browser credentials and pass.
 */
function assertSameOrigin(req: Request) {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  if (origin === null) return;
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host") || new URL(req.url).host;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    // "null" (sandboxed frames, privacy redirects) and garbage are not our origin.
  }
  if (originHost !== host) throw new AppError("FORBIDDEN", { message: "Cross-origin requests are not allowed." });
}

/**
 * Wraps a route handler: every failure answers `{ error: { code, message } }`, every response
 * carries the request id (`x-request-id`, the caller's if sane) that its log lines carry too,
 * while the process drains for shutdown new requests get 503 SHUTTING_DOWN, and cross-origin
 * writes are refused. Every answer is counted in stockroom_http_requests_total under the route's
 * pattern. `quiet`: successful answers are logged at debug level (routes polled every few seconds).
 */
export function route<C = unknown>(handler: Handler<C>, { quiet = false }: { quiet?: boolean } = {}): Handler<C> {
  return (req, ctx) => {
    const requestId = requestIdFrom(req.headers.get("x-request-id"));
    return requestContext.run({ requestId }, async () => {
      const started = performance.now();
      let res: Response;
      if (isDraining()) res = errorResponse(new AppError("SHUTTING_DOWN", { retryAfter: 2 }));
      else {
        res = await tracked(async () => {
          try {
            assertSameOrigin(req);
            return await handler(req, ctx);
          } catch (e) {
            return errorResponse(e);
          }
        });
      }
      res.headers.set("x-request-id", requestId);
      const ms = performance.now() - started;
      await countRequest(req, ctx, res.status, ms);
      const level = quiet && res.status < 400 ? "debug" : "info";
      log[level]({ method: req.method, path: req.nextUrl.pathname, status: res.status, ms: Math.round(ms) }, "request");
      return res;
    });
  };
}

async function countRequest(req: NextRequest, ctx: unknown, status: number, ms: number) {
  let params: Record<string, string | string[] | undefined> | undefined;
  try {
    params = await (ctx as { params?: Promise<typeof params> } | undefined)?.params;
  } catch {
    // A route without params, or params that failed to resolve: the path is its own pattern.
  }
  const route = routePattern(req.nextUrl.pathname, params);
  const m = metrics();
  m.httpRequests.inc({ route, method: req.method, status: String(status) });
  m.httpDuration.observe({ route, method: req.method }, ms / 1000);
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** Reads a JSON body of at most 64 KiB and validates it. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE");
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE");
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("MALFORMED_JSON");
  }
  return parseWith(schema, body);
}

export async function optionalUser(req: NextRequest): Promise<SessionUser | null> {
  return getSessionUser(req.cookies.get(SESSION_COOKIE)?.value);
}

export async function requireUser(req: NextRequest): Promise<SessionUser> {
  const user = await optionalUser(req);
  if (!user) throw new AppError("UNAUTHENTICATED");
  return user;
}

export async function requireAdmin(req: NextRequest): Promise<SessionUser> {
  const user = await requireUser(req);
  if (user.role !== "admin") throw new AppError("FORBIDDEN");
  return user;
}

/** Route params arrive as strings; ids are positive integers or the route is a 404. */
export function idParam(value: string, code: Extract<ErrorCode, `${string}NOT_FOUND`> = "NOT_FOUND"): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new AppError(code);
  return Number(value);
}
