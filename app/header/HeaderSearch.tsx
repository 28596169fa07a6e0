"use client";

import { usePathname, useSearchParams } from "next/navigation";

/** The header's search: a GET form to the catalog, so results are a URL to share. Keeps the catalog's sort and category. */
export function HeaderSearch() {
  const params = useSearchParams();
  const onCatalog = usePathname() === "/";
  const q = onCatalog ? (params.get("q") ?? "") : "";
  return (
    <form role="search" action="/" className="header-search">
      <label htmlFor="header-q" className="visually-hidden">
        Search products
      </label>
      {/* Keyed by the query: going back or following a link shows that URL's words. */}
      <input key={q} id="header-q" type="search" name="q" defaultValue={q} placeholder="Search products" autoComplete="off" enterKeyHint="search" />
      {onCatalog && params.get("category") && <input type="hidden" name="category" value={params.get("category")!} />}
      {onCatalog && params.get("sort") && <input type="hidden" name="sort" value={params.get("sort")!} />}
    </form>
  );
}

/** What the header shows while the search box waits for the URL (a static page, or the first paint). */
export function HeaderSearchFallback() {
  return (
    <form role="search" action="/" className="header-search">
      <label htmlFor="header-q" className="visually-hidden">
        Search products
      </label>
      <input id="header-q" type="search" name="q" placeholder="Search products" autoComplete="off" />
    </form>
  );
}
