import { NextResponse, type NextRequest } from "next/server";
import { catalogView, parseCatalogQuery } from "@/lib/catalog/view";

/**
 * `/?q=…&category=…&sort=…&page=…` is served by the cached page of that view of the catalog
 * (/catalog/<view>), while the address bar keeps the shareable URL. Plain `/` never gets here:
 * next.config.mjs rewrites it to /catalog/all without running any code.
 */
export function proxy(request: NextRequest) {
  const query = parseCatalogQuery(Object.fromEntries(request.nextUrl.searchParams));
  return NextResponse.rewrite(new URL(`/catalog/${catalogView(query)}`, request.url));
}

// Read by the build, so written out literally.
export const config = {
  matcher: [
    { source: "/", has: [{ type: "query", key: "q" }] },
    { source: "/", has: [{ type: "query", key: "category" }] },
    { source: "/", has: [{ type: "query", key: "sort" }] },
    { source: "/", has: [{ type: "query", key: "page" }] },
  ],
};
