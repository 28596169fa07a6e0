import type { Metadata } from "next";
import Link from "next/link";
import { listAllCategories } from "@/lib/admin/catalog/views";
import { requireAdmin } from "@/app/admin/ui/access";
import { createProductAction } from "../actions";
import { ProductForm } from "../ProductForm";

export const metadata: Metadata = { title: "New product · Admin" };
export const dynamic = "force-dynamic";

export default async function NewProductPage() {
  await requireAdmin("/admin/products/new");
  const categories = await listAllCategories();
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin/products">Products</Link>
      </nav>
      <h1>New product</h1>
      <p className="muted">It starts as a draft, invisible to shoppers, unless you choose Active. Variants, stock and the drop come next.</p>
      <div style={{ maxWidth: "42rem" }}>
        <ProductForm id="new-product" initial={{ name: "", description: "", category: "" }} categories={categories} action={createProductAction} submitLabel="Create product" pendingLabel="Creating…" withStatus />
      </div>
    </>
  );
}
