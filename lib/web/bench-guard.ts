import type { NextResponse } from "next/server";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/web/http";

/** Bench-only routes exist only when BENCH_METRICS=1; otherwise they answer like any unknown path. */
export function benchDisabled(): NextResponse | null {
  return env().BENCH_METRICS === "1" ? null : errorResponse(new AppError("NOT_FOUND"));
}
