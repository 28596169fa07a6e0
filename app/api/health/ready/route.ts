import { NextResponse } from "next/server";
import { checkReadiness } from "@/lib/platform/health";

export const dynamic = "force-dynamic";

/**
 * Readiness for a load balancer or orchestrator: 200 `{ ready: true, ... }`, or 503 while this
 * process drains for shutdown or cannot reach MariaDB or Redis (it comes back by itself).
 */
export async function GET() {
  const { ready, draining, db, redis } = await checkReadiness();
  return NextResponse.json({ ready, draining, db, redis }, { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
