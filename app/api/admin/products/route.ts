import { NextResponse } from "next/server";
import { createProduct } from "@/lib/admin/catalog/products";
import { createProductSchema, productFilterSchema } from "@/lib/admin/catalog/schemas";
import { listAdminProducts } from "@/lib/admin/catalog/views";
import { parseWith, readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** `?status=&q=` -> `200 { products }`: every status, newest first. */
export const GET = route(async (req) => {
  await requireAdmin(req);
  const params = req.nextUrl.searchParams;
  const filter = parseWith(productFilterSchema, { status: params.get("status"), q: params.get("q") });
  return NextResponse.json({ products: await listAdminProducts(filter) }, { headers: { "Cache-Control": "no-store" } });
});

/** `{ name, description, category, status?, skus? }` -> `201 { product }` (a draft unless told otherwise; its variants in the same transaction). */
export const POST = route(async (req) => {
  const admin = await requireAdmin(req);
  const input = await readJson(req, createProductSchema);
  return NextResponse.json({ product: await createProduct(input, admin.id) }, { status: 201 });
});
