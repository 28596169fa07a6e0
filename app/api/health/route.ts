import { NextResponse } from "next/server";
import { checkHealth } from "@/lib/health";
import { poolStatus } from "@/lib/pool";

export const dynamic = "force-dynamic";

export async function GET() {
  const { healthy, ...status } = await checkHealth();
  // Which worker answered and how many of the pool are serving (scripts/start.mjs); the
  // dependencies are shared, so any worker's answer speaks for the pool.
  const pool = poolStatus();
  if (healthy) return NextResponse.json({ ...status, pool });
  const down = Object.entries(status).filter(([, v]) => v !== "ok").map(([k]) => k);
  return NextResponse.json(
    { ...status, pool, error: { code: down.includes("db") ? "DB_UNAVAILABLE" : "CART_UNAVAILABLE", message: `Unavailable: ${down.join(", ")}` } },
    { status: 503 },
  );
}
