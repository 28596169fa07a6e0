import type { Metadata } from "next";
import { requireAdmin } from "@/app/admin/ui/access";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";

export const metadata: Metadata = { title: "Products" };
export const dynamic = "force-dynamic";

// A placeholder so the console's navigation has somewhere to go: the products room (list, forms, images) is built on its own branch.
export default async function ProductsPage() {
  await requireAdmin("/admin/products");
  return <RoomHeader title="Products" lead="Products and their variants will be created and edited here. Until then, variants are managed in Stock." />;
}
