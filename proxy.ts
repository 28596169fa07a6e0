import { NextResponse, type NextRequest } from "next/server";
import { catalogView, parseCatalogQuery } from "@/lib/catalog/view";
import { hasMalformedEscape, malformedPathResponse } from "@/lib/web/malformed-path";

/**
 * Two jobs, each on only the requests its matcher names, so cached public pages never run it:
 *  - a path with a percent sign: a broken escape gets 400 MALFORMED_PATH here, because past this
 *    point `next start` fails to decode it and answers a bare 500 (lib/web/malformed-path.ts);
 *  - `/?q=…&category=…&sort=…&page=…` is served by the cached page of that view of the catalog
 *    (/catalog/<view>), while the address bar keeps the shareable URL. Plain `/` never gets here:
 *    next.config.mjs rewrites it to /catalog/all without running any code.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (hasMalformedEscape(pathname)) return malformedPathResponse(pathname);
  if (pathname !== "/") return NextResponse.next();
  const query = parseCatalogQuery(Object.fromEntries(request.nextUrl.searchParams));
  return NextResponse.rewrite(new URL(`/catalog/${catalogView(query)}`, request.url));
}

// Read by the build, so written out literally.
export const config = {
  matcher: [
    // Any path with a "%" in it, as sent (the matcher also sees the decoded path, which a broken one has none of).
    "/(.*%.*)",
    { source: "/", has: [{ type: "query", key: "q" }] },
    { source: "/", has: [{ type: "query", key: "category" }] },
    { source: "/", has: [{ type: "query", key: "sort" }] },
    { source: "/", has: [{ type: "query", key: "page" }] },
  ],
};
