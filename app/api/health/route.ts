import { NextResponse } from "next/server";
import { env } from "@/lib/platform/env";
import { checkHealth, currentBuildId } from "@/lib/platform/health";
import { poolStatus } from "@/lib/platform/workers";

export const dynamic = "force-dynamic";

export async function GET() {
  const { healthy, ...status } = await checkHealth();
  // Which worker answered, how many of the pool are serving (scripts/start.mjs) and how many
  // checkout batches each runs at once; the dependencies are shared, so any worker's answer
  // speaks for the pool.
  const pool = { ...poolStatus(), checkoutBatches: env().CHECKOUT_BATCHES_IN_FLIGHT };
  const about = { buildId: currentBuildId(), uptime: Math.round(process.uptime()), pool };
  if (healthy) return NextResponse.json({ ...status, ...about });
  const down = Object.entries(status).filter(([, v]) => v !== "ok").map(([k]) => k);
  return NextResponse.json(
    { ...status, ...about, error: { code: down.includes("db") ? "DB_UNAVAILABLE" : "CART_UNAVAILABLE", message: `Unavailable: ${down.join(", ")}` } },
    { status: 503 },
  );
}
