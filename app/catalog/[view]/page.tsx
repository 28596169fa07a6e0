import type { Metadata } from "next";
import Link from "next/link";
import { ProductArt } from "@/app/components/ProductArt";
import { ProductPicture } from "@/app/components/ProductPicture";
import { notFound } from "next/navigation";
import { CatalogCardStatus } from "@/app/components/CatalogCardStatus";
import { LiveSkus } from "@/app/components/LiveSkus";
import { serverNow } from "@/app/components/server-now";
import { CATALOG_PAGE_SIZE, listCategories, searchProducts } from "@/lib/catalog/products";
import { catalogHref, knownCategory, queryOfView, type CatalogQuery, type Sort } from "@/lib/catalog/view";
import { buyableUnits } from "@/lib/catalog/availability";
import { coverImages } from "@/lib/images/service";
import { IMAGE_SIZES } from "@/lib/images/urls";

// `/` and `/?q=…&category=…&sort=…` are served from here (next.config.mjs and proxy.ts rewrite
// them): one cached page per view, rendered at most once a second per process, never per shopper.
export const revalidate = 1;
export const generateStaticParams = () => [];

/** The live-stock read takes up to 100 SKUs; cards past them show what the page was rendered with. */
const MAX_LIVE_SKUS = 100;

type Props = { params: Promise<{ view: string }> };

const SORT_LABEL: Record<Sort, string> = { featured: "Featured", "price-asc": "Price: low to high", "price-desc": "Price: high to low", newest: "Newest" };

async function load(view: string) {
  const query = queryOfView(view);
  if (!query) notFound();
  return query;
}

/** The categories, and the view's own spelled as the shop spells it; a category nobody sells is not found. */
async function categoriesFor(query: CatalogQuery) {
  const categories = await listCategories();
  const category = knownCategory(categories, query.category);
  if (category === null) notFound();
  return { categories, category };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const query = await load((await params).view);
  const { q } = query;
  const { category } = await categoriesFor(query);
  // The root layout's title template applies to pages below it, not to this page beside it.
  const title = q ? `“${q}”${category ? ` in ${category}` : ""}` : category || "Shop";
  return { title: { absolute: `${title} · Stockroom` } };
}

export default async function CatalogPage({ params }: Props) {
  const query = await load((await params).view);
  const [{ products, total }, { categories }] = await Promise.all([searchProducts(query), categoriesFor(query)]);
  // Past the last page there is nothing to show under that address.
  if (products.length === 0 && query.page > 1) notFound();
  const covers = await coverImages(products.map((p) => p.spuId));
  const pages = Math.ceil(total / CATALOG_PAGE_SIZE);
  const renderedAt = serverNow();
  const filtered = query.q !== "" || query.category !== "";
  return (
    <>
      <h1>{query.category || "Shop"}</h1>
      <div className="catalog-tools">
        <nav aria-label="Categories" className="chips">
          <Link href={catalogHref({ ...query, category: "", page: 1 })} className="chip" aria-current={query.category === "" ? "page" : undefined}>
            All
          </Link>
          {categories.map((c) => (
            <Link key={c} href={catalogHref({ ...query, category: c, page: 1 })} className="chip" aria-current={query.category === c ? "page" : undefined}>
              {c}
            </Link>
          ))}
        </nav>
        <nav aria-label="Sort" className="chips sort">
          <span className="muted chips-label" aria-hidden="true">
            Sort
          </span>
          {(Object.keys(SORT_LABEL) as Sort[]).map((s) => (
            <Link key={s} href={catalogHref({ ...query, sort: s, page: 1 })} className="chip" aria-current={query.sort === s ? "true" : undefined}>
              {SORT_LABEL[s]}
            </Link>
          ))}
        </nav>
      </div>
      <p className="muted result-count" role="status" data-testid="result-count">
        {total} {total === 1 ? "product" : "products"}
        {query.q ? ` for “${query.q}”` : ""}
        {query.category && query.q ? ` in ${query.category}` : ""}
        {query.sort !== "featured" ? ` · ${SORT_LABEL[query.sort].toLowerCase()}` : ""}
        {pages > 1 ? ` · page ${query.page} of ${pages}` : ""}
        {filtered && (
          <>
            {" · "}
            <Link href={catalogHref({ q: "", category: "", sort: query.sort, page: 1 })} className="inline-link">
              Clear {query.q ? "search" : "filter"}
            </Link>
          </>
        )}
      </p>
      {products.length === 0 ? (
        <div className="empty-state" data-testid="no-results">
          <h2 style={{ marginTop: 0 }}>No products match{query.q ? ` “${query.q}”` : ""}</h2>
          <p className="muted">Check the spelling, try fewer words, or look through everything we sell.</p>
          <Link href="/" className="btn">
            See all products
          </Link>
        </div>
      ) : (
        <LiveSkus skuIds={products.flatMap((p) => p.skus.map((s) => s.skuId)).slice(0, MAX_LIVE_SKUS)}>
          <ul className="grid" aria-label="Products" style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {products.map((p) => {
              const first = p.skus.find((s) => buyableUnits(s) > 0) ?? p.skus[0];
              const cover = covers.get(p.spuId);
              return (
                <li key={p.spuId} className="card">
                  <Link href={`/products/${p.spuId}`} className="cover">
                    {cover ? <ProductPicture image={cover} sizes={IMAGE_SIZES.card} /> : <ProductArt category={p.category} hue={p.hue} label={p.name} variant={first?.name} />}
                    <div className="body">
                      <h2>{p.name}</h2>
                      <p className="muted" style={{ margin: "0 0 0.5rem" }}>
                        {p.category} · {p.skus.length} {p.skus.length === 1 ? "option" : "options"}
                      </p>
                      <CatalogCardStatus skus={p.skus.map(({ skuId, price, stock, onSale, saleStartsAt }) => ({ skuId, price, stock, onSale, saleStartsAt }))} renderedAt={renderedAt} />
                    </div>
                  </Link>
                </li>
              );
            })}
          </ul>
        </LiveSkus>
      )}
      {pages > 1 && (
        <nav aria-label="Pages" className="pager">
          {query.page > 1 ? (
            <Link href={catalogHref({ ...query, page: query.page - 1 })} className="btn secondary" rel="prev">
              Previous
            </Link>
          ) : (
            <span />
          )}
          <span className="muted">
            Page {query.page} of {pages}
          </span>
          {query.page < pages ? (
            <Link href={catalogHref({ ...query, page: query.page + 1 })} className="btn secondary" rel="next">
              Next
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </>
  );
}
