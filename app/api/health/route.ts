import { NextResponse } from "next/server";
import { checkHealth, currentBuildId } from "@/lib/platform/health";
import { poolStatus } from "@/lib/platform/workers";

export const dynamic = "force-dynamic";

export async function GET() {
  const { healthy, ...status } = await checkHealth();
  // Which worker answered and how many of the pool are serving (scripts/start.mjs); the
  // dependencies are shared, so any worker's answer speaks for the pool.
  const about = { buildId: currentBuildId(), uptime: Math.round(process.uptime()), pool: poolStatus() };
  if (healthy) return NextResponse.json({ ...status, ...about });
  const down = Object.entries(status).filter(([, v]) => v !== "ok").map(([k]) => k);
  return NextResponse.json(
    { ...status, ...about, error: { code: down.includes("db") ? "DB_UNAVAILABLE" : "CART_UNAVAILABLE", message: `Unavailable: ${down.join(", ")}` } },
    { status: 503 },
  );
}
