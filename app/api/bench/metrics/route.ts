import { NextResponse } from "next/server";
import { benchDisabled } from "@/lib/bench-guard";
import { checkoutMetrics, resetCheckoutMetrics } from "@/lib/orders/metrics";

export const dynamic = "force-dynamic";

/** This process's checkout counters, for `npm run bench`. */
export async function GET() {
  return benchDisabled() ?? NextResponse.json({ ...checkoutMetrics });
}

/** Zeroes the counters before a benchmark cell. */
export async function POST() {
  const off = benchDisabled();
  if (off) return off;
  resetCheckoutMetrics();
  return NextResponse.json({ ...checkoutMetrics });
}
