import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { parseWith, route } from "@/lib/http";
import { liveStock } from "@/lib/live-stock";

const skusParam = z
  .string({ error: "Name the SKUs: ?skus=1,2,3." })
  .regex(/^\d{1,15}(,\d{1,15}){0,99}$/, "skus must be up to 100 SKU ids separated by commas, e.g. ?skus=1,2,3.")
  .transform((s) => [...new Set(s.split(",").map(Number))]);

/**
 * `GET /api/stock?skus=1,2,3` -> `{ skus: [{ skuId, stock, onSale }], serverTime }`: live stock for
 * pages, at most a second old, which a CDN may hold for a second. Unknown ids are left out.
 * `serverTime` lets a page count down to a launch by the server's clock. Polled by every open
 * product page: successful answers log at debug level.
 */
export const GET = route(async (req: NextRequest) => {
  const ids = parseWith(z.object({ skus: skusParam }), { skus: req.nextUrl.searchParams.get("skus") ?? undefined }).skus;
  const reading = await liveStock();
  const found = ids.flatMap((id) => reading.skus.get(id) ?? []);
  return NextResponse.json({ skus: found, serverTime: Date.now() }, { headers: { "Cache-Control": "public, max-age=1" } });
}, { quiet: true });
