import { NextResponse } from "next/server";
import { z } from "zod";
import { errorResponse, parseWith } from "@/lib/web/http";
import { liveStock } from "@/lib/catalog/live-stock";

// Served from the page cache like a public page: rendered at most once a second per process and
// list, so the polling of every open page costs the server about what a static file does.
export const dynamic = "force-static";
export const revalidate = 1;
export const generateStaticParams = () => [];

const skusParam = z
  .string({ error: "Name the SKUs: /api/stock/1,2,3." })
  .regex(/^\d{1,15}(,\d{1,15}){0,99}$/, "Name up to 100 SKU ids separated by commas, e.g. /api/stock/1,2,3.")
  .transform((s) => [...new Set(s.split(",").map(Number))]);

/**
 * `GET /api/stock/1,2,3` -> `{ skus: [{ skuId, stock, onSale, price, perCustomerLimit, saleStartsAt }], serverTime }`:
 * what pages show of these SKUs, at most about a second old, which a CDN may hold for a second.
 * Unknown ids are left out. `serverTime` (when the answer was made) lets a page count down to a
 * launch by the server's clock. Never used by a checkout.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ skus: string }> }) {
  try {
    const ids = parseWith(z.object({ skus: skusParam }), await params).skus;
    const reading = await liveStock();
    return NextResponse.json({ skus: ids.flatMap((id) => reading.skus.get(id) ?? []), serverTime: Date.now() });
  } catch (e) {
    return errorResponse(e);
  }
}
