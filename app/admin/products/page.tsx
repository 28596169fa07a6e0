import type { Metadata } from "next";
import Link from "next/link";
import { ProductThumb } from "@/app/components/ProductArt";
import { PRODUCT_STATUSES } from "@/db/schema";
import { productFilterSchema } from "@/lib/admin/catalog/schemas";
import { listAdminProducts, type AdminProduct } from "@/lib/admin/catalog/views";
import { requireAdmin } from "@/app/admin/ui/access";
import { formatMoney, toCents } from "@/lib/money";
import styles from "./products.module.css";
import { StatusBadge, STATUS_WORDS } from "./StatusBadge";

export const metadata: Metadata = { title: "Products" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/** "$9.50" or "$9.50 – $12.00" over the variants; "No variants yet". */
function priceRange(p: AdminProduct): string {
  if (p.skus.length === 0) return "No variants yet";
  const cents = p.skus.map((s) => toCents(s.price));
  const [low, high] = [Math.min(...cents), Math.max(...cents)];
  return low === high ? formatMoney(low) : `${formatMoney(low)} – ${formatMoney(high)}`;
}

export default async function ProductsPage({ searchParams }: Props) {
  await requireAdmin("/admin/products");
  const params = await searchParams;
  // Forgiving, as URL parameters are: an unknown status shows every product.
  const parsed = productFilterSchema.safeParse({ status: first(params.status), q: first(params.q) });
  const filter = parsed.success ? parsed.data : { q: "", status: undefined };
  const products = await listAdminProducts(filter);
  const filtered = Boolean(filter.q || filter.status);
  return (
    <>
      <div className={styles.head}>
        <h1>Products</h1>
        <Link className="btn" href="/admin/products/new">
          New product
        </Link>
      </div>
      <form className={styles.tools} role="search" action="/admin/products" style={{ marginTop: "1rem" }}>
        <div className="field">
          <label htmlFor="products-q">Search</label>
          <input id="products-q" name="q" type="search" defaultValue={filter.q} placeholder="Name, category, variant or SKU code" />
        </div>
        <div className="field" style={{ flex: "0 1 10rem" }}>
          <label htmlFor="products-status">Status</label>
          <select id="products-status" name="status" defaultValue={filter.status ?? ""}>
            <option value="">Any status</option>
            {PRODUCT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn secondary">
          Filter
        </button>
      </form>
      <p className="muted" aria-live="polite">
        {products.length === 1 ? "1 product" : `${products.length} products`}
        {filtered ? " match" : ""}
      </p>
      {products.length === 0 ? (
        <div className="empty-state">
          <p>{filtered ? "No product matches. Try other words or any status." : "No products yet."}</p>
          <Link href="/admin/products/new">Create your first product</Link>
        </div>
      ) : (
        <ul className={styles.list} aria-label="Products">
          {products.map((p) => (
            <li key={p.spuId} className={styles.item}>
              <ProductThumb category={p.category} hue={p.hue} />
              <div style={{ minWidth: 0 }}>
                <h2>
                  <Link href={`/admin/products/${p.spuId}`}>{p.name}</Link>
                </h2>
                <dl className={styles.facts}>
                  <div>
                    <dt>Category</dt>
                    <dd>{p.category}</dd>
                  </div>
                  <div>
                    <dt>Variants</dt>
                    <dd>{p.skus.length}</dd>
                  </div>
                  <div>
                    <dt>Stock</dt>
                    <dd>{p.skus.reduce((n, s) => n + s.stock, 0)}</dd>
                  </div>
                  <div>
                    <dt>Price</dt>
                    <dd>{priceRange(p)}</dd>
                  </div>
                </dl>
              </div>
              <StatusBadge status={p.status} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
