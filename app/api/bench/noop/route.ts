import { NextResponse } from "next/server";
import { benchDisabled } from "@/lib/web/bench-guard";

export const dynamic = "force-dynamic";

/** The HTTP and framework floor: a POST that does no work, measured by `npm run bench`. */
export async function POST() {
  return benchDisabled() ?? NextResponse.json({ ok: true });
}
