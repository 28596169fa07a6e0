import { NextResponse } from "next/server";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const { healthy, ...status } = await checkHealth();
  if (healthy) return NextResponse.json(status);
  const down = Object.entries(status).filter(([, v]) => v !== "ok").map(([k]) => k);
  return NextResponse.json(
    { ...status, error: { code: down.includes("db") ? "DB_UNAVAILABLE" : "CART_UNAVAILABLE", message: `Unavailable: ${down.join(", ")}` } },
    { status: 503 },
  );
}
