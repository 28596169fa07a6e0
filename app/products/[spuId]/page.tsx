import type { Metadata } from "next";
import { notFound } from "next/navigation";
import Link from "next/link";
import { serverNow } from "@/app/components/server-now";
import { getProduct } from "@/lib/catalog/products";
import { listImages } from "@/lib/images/service";
import { VariantPicker } from "./VariantPicker";

// One cached page per product, rendered at most once a second per process and at once after an
// admin change (lib/platform/page-cache); stock and prices on an open page are kept live by /api/stock.
export const revalidate = 1;
export const generateStaticParams = () => [];

/** A description's paragraphs: separated by blank lines; single line breaks stay (CSS pre-line). */
const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

type Props = { params: Promise<{ spuId: string }> };

async function load(spuId: string) {
  if (!/^[1-9]\d{0,15}$/.test(spuId)) notFound();
  const product = await getProduct(Number(spuId));
  if (!product) notFound();
  return product;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await load((await params).spuId);
  return { title: product.name };
}

export default async function ProductPage({ params }: Props) {
  const product = await load((await params).spuId);
  const images = await listImages(product.spuId);
  const renderedAt = serverNow();
  return (
    <article className="product">
      <VariantPicker productName={product.name} category={product.category} hue={product.hue} skus={product.skus} renderedAt={renderedAt} images={images}>
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href="/">Shop</Link> <span aria-hidden="true">/</span>{" "}
          <Link href={`/?category=${encodeURIComponent(product.category)}`}>{product.category}</Link>
        </nav>
        <h1>{product.name}</h1>
        {/* Plain text as the owner typed it: blank lines part paragraphs, React escapes the rest. */}
        {paragraphs(product.description).map((text, i) => (
          <p key={i} style={{ whiteSpace: "pre-line" }}>
            {text}
          </p>
        ))}
      </VariantPicker>
    </article>
  );
}
