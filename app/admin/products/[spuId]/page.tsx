import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { productHistory } from "@/lib/audit/history";
import { getAdminProduct, listAllCategories, type AdminSku } from "@/lib/admin/catalog/views";
import { listLocations } from "@/lib/admin/locations";
import { requireAdmin } from "@/app/admin/ui/access";
import { isAppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { addVariantAction, updateProductAction, updateVariantAction } from "../actions";
import { ProductForm } from "../ProductForm";
import styles from "../products.module.css";
import { StatusBadge } from "../StatusBadge";
import { History } from "./History";
import { ImageManager } from "./ImageManager";
import { StatusActions } from "./StatusActions";
import { EMPTY_VARIANT, VariantForm } from "./VariantForm";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ spuId: string }> };

async function load(spuId: string) {
  if (!/^[1-9]\d{0,15}$/.test(spuId)) notFound();
  try {
    return await getAdminProduct(Number(spuId));
  } catch (e) {
    if (isAppError(e) && e.code === "PRODUCT_NOT_FOUND") notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { spuId } = await params;
  if (!/^[1-9]\d{0,15}$/.test(spuId)) return { title: "Product · Admin" };
  const product = await getAdminProduct(Number(spuId)).catch(() => null);
  return { title: `${product?.name ?? "Product"} · Admin` };
}

/** "Limit 1 · launch Tue 1 Dec, 14:05 UTC": the drop in a line, or nothing. */
function dropWords(sku: AdminSku): string {
  const parts = [];
  if (sku.perCustomerLimit !== null) parts.push(`limit ${sku.perCustomerLimit} per customer`);
  if (sku.saleStartsAt) parts.push(`launch ${new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" }).format(new Date(sku.saleStartsAt))} UTC`);
  if (sku.waitingRoom) parts.push(`waiting room, ${sku.waitingRoom.admitPerSecond} let in per second`);
  return parts.join(" · ");
}

export default async function ProductPage({ params }: Props) {
  const { spuId } = await params;
  await requireAdmin(`/admin/products/${encodeURIComponent(spuId)}`);
  const product = await load(spuId);
  const [categories, locations, history] = await Promise.all([listAllCategories(), listLocations(), productHistory(product.spuId)]);
  const active = locations.filter((l) => l.active);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin/products">Products</Link>
      </nav>
      <div className={styles.head}>
        <h1>{product.name}</h1>
        <StatusBadge status={product.status} />
      </div>
      <p className="muted">
        {product.status === "active" ? (
          <>
            On the shop:{" "}
            <Link href={`/products/${product.spuId}`} style={{ textDecoration: "underline" }}>
              see its page
            </Link>
            .
          </>
        ) : product.status === "draft" ? (
          "A draft: invisible to shoppers until you publish it."
        ) : (
          "Archived: gone from the shop; past orders keep it."
        )}
      </p>
      <StatusActions spuId={product.spuId} status={product.status} name={product.name} variants={product.skus.length} />

      <section className={styles.section} aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <ProductForm
          id="product"
          initial={{ name: product.name, description: product.description, category: product.category }}
          categories={categories}
          action={updateProductAction.bind(null, product.spuId)}
          submitLabel="Save details"
          pendingLabel="Saving…"
        />
      </section>

      <div className={styles.section}>
        <ImageManager spuId={product.spuId} images={product.images} variants={product.skus.map((s) => ({ skuId: s.skuId, name: s.name }))} />
      </div>

      <section className={styles.section} aria-labelledby="variants-heading">
        <h2 id="variants-heading">Variants</h2>
        {product.skus.length === 0 ? (
          <p className="muted">No variants yet: add the first below.</p>
        ) : (
          <ul className={styles.variants}>
            {product.skus.map((sku) => (
              <li key={sku.skuId} className={styles.panel}>
                <h3 style={{ margin: 0, fontSize: "1.05rem", overflowWrap: "anywhere" }}>{sku.name}</h3>
                <p style={{ margin: "0.25rem 0" }}>
                  {formatMoney(sku.price)}
                  {sku.compareAtPrice && (
                    <>
                      {" "}
                      <s className="muted" aria-label={`was ${formatMoney(sku.compareAtPrice)}`}>
                        {formatMoney(sku.compareAtPrice)}
                      </s>
                    </>
                  )}{" "}
                  · {sku.stock} in stock{sku.code ? ` · ${sku.code}` : ""}
                  {sku.onSale ? "" : " · off sale"}
                </p>
                {dropWords(sku) && <p className="muted" style={{ margin: "0.25rem 0" }}>{dropWords(sku)}</p>}
                <details>
                  <summary className={styles.summary}>
                    Edit {sku.name}
                  </summary>
                  <VariantForm
                    id={`sku-${sku.skuId}`}
                    initial={{
                      name: sku.name,
                      price: sku.price,
                      compareAtPrice: sku.compareAtPrice ?? "",
                      code: sku.code ?? "",
                      perCustomerLimit: sku.perCustomerLimit === null ? "" : String(sku.perCustomerLimit),
                      saleStartsAt: sku.saleStartsAt,
                      onSale: sku.onSale,
                      waitingRoom: sku.waitingRoom,
                    }}
                    action={updateVariantAction.bind(null, product.spuId, sku.skuId)}
                    submitLabel="Save variant"
                    pendingLabel="Saving…"
                    success="Saved {name}."
                  />
                </details>
              </li>
            ))}
          </ul>
        )}
        <div className={styles.panel} style={{ marginTop: "1rem" }}>
          <h3 style={{ marginTop: 0, fontSize: "1.05rem" }}>Add a variant</h3>
          <VariantForm
            id="new-variant"
            initial={EMPTY_VARIANT}
            locations={active}
            action={addVariantAction.bind(null, product.spuId)}
            submitLabel="Add variant"
            pendingLabel="Adding…"
            success="Added {name}."
          />
        </div>
      </section>

      <section className={styles.section} aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <History entries={history} variantNames={new Map(product.skus.map((s) => [s.skuId, s.name]))} />
      </section>
    </>
  );
}
