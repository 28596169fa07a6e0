import Link from "next/link";
import { ProductArt } from "@/app/components/ProductArt";
import { CatalogBadges } from "@/app/components/CatalogBadges";
import { serverNow } from "@/app/components/server-now";
import { fromPrice, listProducts } from "@/lib/catalog";
import { formatMoney } from "@/lib/money";

export const dynamic = "force-dynamic";

export default async function CatalogPage() {
  const products = await listProducts();
  const renderedAt = serverNow();
  return (
    <>
      <h1>Shop</h1>
      <ul className="grid" aria-label="Products" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {products.map((p) => {
          const price = fromPrice(p);
          return (
            <li key={p.spuId} className="card">
              <Link href={`/products/${p.spuId}`} className="cover">
                <ProductArt category={p.category} hue={p.hue} label={p.name} />
                <div className="body">
                  <h2>{p.name}</h2>
                  <p className="muted" style={{ margin: "0 0 0.5rem" }}>
                    {p.category} · {p.skus.length} {p.skus.length === 1 ? "option" : "options"}
                  </p>
                  <div className="row" style={{ justifyContent: "space-between" }}>
                    <span className="price">{price ? `${p.skus.length > 1 ? "from " : ""}${formatMoney(price)}` : "Unavailable"}</span>
                    <CatalogBadges skus={p.skus} renderedAt={renderedAt} />
                  </div>
                </div>
              </Link>
            </li>
          );
        })}
      </ul>
    </>
  );
}
