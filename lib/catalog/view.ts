import { z } from "zod";

const SORTS = ["featured", "price-asc", "price-desc", "newest"] as const;
export type Sort = (typeof SORTS)[number];

/** The catalog's URL parameters, forgiving: anything unknown or malformed means "not given". */
const catalogQuerySchema = z.object({
  q: z
    .string()
    .transform((s) => s.trim().replace(/\s+/g, " ").slice(0, 80))
    .catch(""),
  category: z
    .string()
    .transform((s) => s.trim().slice(0, 64))
    .catch(""),
  sort: z.enum(SORTS).catch("featured"),
  page: z
    .string()
    .regex(/^[1-9]\d{0,3}$/)
    .transform(Number)
    .catch(1),
});
export type CatalogQuery = z.infer<typeof catalogQuerySchema>;

/** One value from a search param that may be repeated or missing. */
export function parseCatalogQuery(params: Record<string, string | string[] | undefined>): CatalogQuery {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  return catalogQuerySchema.parse({ q: first(params.q), category: first(params.category), sort: first(params.sort), page: first(params.page) });
}

/** Only what differs from the default, in a fixed order: one string per view of the catalog. */
function canonicalSearch({ q, category, sort, page }: CatalogQuery): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (category) params.set("category", category);
  if (sort !== "featured") params.set("sort", sort);
  if (page > 1) params.set("page", String(page));
  return params.toString();
}

/** The catalog URL for a view, short and shareable. */
export function catalogHref(query: CatalogQuery): string {
  const search = canonicalSearch(query);
  return search ? `/?${search}` : "/";
}

const ALL = "all";

/**
 * The path segment a view of the catalog is rendered and cached under (proxy.ts rewrites `/?...`
 * to `/catalog/<view>`): every URL that means the same view shares one cached page.
 */
export function catalogView(query: CatalogQuery): string {
  const search = canonicalSearch(query);
  return search ? Buffer.from(search).toString("base64url") : ALL;
}

/** The view a segment names, or null when it is not the canonical segment of any view. */
export function queryOfView(view: string): CatalogQuery | null {
  const search = view === ALL ? "" : Buffer.from(view, "base64url").toString();
  const query = parseCatalogQuery(Object.fromEntries(new URLSearchParams(search)));
  return catalogView(query) === view ? query : null;
}

/**
 * The category a view names, as the shop spells it, or null when no product is in it: such a
 * view is not found (404), not an empty shelf under a made-up heading. Matched as the database
 * matches it (case-insensitively); "" (every category) is always known.
 */
export function knownCategory(categories: string[], category: string): string | null {
  if (category === "") return "";
  return categories.find((c) => c.toLowerCase() === category.toLowerCase()) ?? null;
}
