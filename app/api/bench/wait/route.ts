import { NextResponse, type NextRequest } from "next/server";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { benchDisabled } from "@/lib/web/bench-guard";
import { validationError } from "@/lib/web/errors";
import { errorResponse } from "@/lib/web/http";

export const dynamic = "force-dynamic";

const MAX_WAIT_MS = 60_000;
const BAD_MS = `ms must be a whole number of milliseconds, 0-${MAX_WAIT_MS}.`;
const query = z.object({ ms: z.string({ error: BAD_MS }).regex(/^\d{1,5}$/, BAD_MS).transform(Number).pipe(z.number().max(MAX_WAIT_MS, BAD_MS)) });

/**
 * The trivial route that holds its request `?ms=` milliseconds before answering, doing nothing
 * else: what a request costs the server for waiting as long as a checkout waits for its batch
 * and its round trips (`npm run bench`'s ratio slices). Not wrapped in route(), as the trivial
 * route is not, so the two differ only by the wait.
 */
export async function POST(req: NextRequest) {
  const off = benchDisabled();
  if (off) return off;
  const parsed = query.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) return errorResponse(validationError(parsed.error));
  await sleep(parsed.data.ms);
  return NextResponse.json({ ok: true });
}
