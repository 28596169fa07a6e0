import { NextResponse, type NextRequest } from "next/server";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "@/lib/errors";
import { benchDisabled } from "@/lib/web/bench-guard";
import { errorResponse } from "@/lib/web/http";

export const dynamic = "force-dynamic";

const MAX_WAIT_MS = 60_000;

/**
 * The trivial route that holds its request `?ms=` milliseconds before answering, doing nothing
 * else: what a request costs the server for waiting as long as a checkout waits for its batch
 * and its round trips (`npm run bench`'s ratio slices).
 */
export async function POST(req: NextRequest) {
  const off = benchDisabled();
  if (off) return off;
  const raw = req.nextUrl.searchParams.get("ms") ?? "";
  const ms = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms <= MAX_WAIT_MS)) {
    return errorResponse(new AppError("VALIDATION", { message: `ms must be a whole number of milliseconds, 0-${MAX_WAIT_MS}.` }));
  }
  await sleep(ms);
  return NextResponse.json({ ok: true });
}
