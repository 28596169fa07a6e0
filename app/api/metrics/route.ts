import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/web/http";
import { scrape } from "@/lib/platform/metrics/scrape";

export const dynamic = "force-dynamic";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function bearerMatches(header: string | null, token: string) {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * Prometheus metrics (text format), summed over every worker of a cluster. Off unless
 * METRICS_TOKEN is set (then it answers like any unknown path); on, it wants
 * `Authorization: Bearer <METRICS_TOKEN>`. Not wrapped in route(): a scrape is neither counted
 * nor logged per request, and it keeps answering while the process drains.
 */
export async function GET(req: Request) {
  const token = env().METRICS_TOKEN;
  if (!token) return errorResponse(new AppError("NOT_FOUND"));
  if (!bearerMatches(req.headers.get("authorization"), token)) {
    const res = errorResponse(new AppError("UNAUTHENTICATED", { message: "Send Authorization: Bearer <METRICS_TOKEN>." }));
    res.headers.set("WWW-Authenticate", 'Bearer realm="metrics"');
    return res;
  }
  const { contentType, text } = await scrape();
  return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
