import { NextResponse } from "next/server";
import { searchOrders } from "@/lib/admin/orders";
import { requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Admin: every user's orders, newest first: `?q=&status=&from=&to=&cursor=&limit=` → `{ orders, nextCursor }`. */
export const GET = route(async (req) => {
  await requireAdmin(req);
  const query = Object.fromEntries(req.nextUrl.searchParams);
  return NextResponse.json(await searchOrders(query), { headers: { "Cache-Control": "no-store" } });
});
