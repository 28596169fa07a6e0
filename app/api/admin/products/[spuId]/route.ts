import { NextResponse } from "next/server";
import { updateProduct } from "@/lib/admin/catalog/products";
import { updateProductSchema } from "@/lib/admin/catalog/schemas";
import { getAdminProduct } from "@/lib/admin/catalog/views";
import { idParam, readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ spuId: string }> };

/** `200 { product }`, whatever its status. */
export const GET = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  const spuId = idParam((await params).spuId, "PRODUCT_NOT_FOUND");
  return NextResponse.json({ product: await getAdminProduct(spuId) }, { headers: { "Cache-Control": "no-store" } });
});

/** `{ name?, description?, category?, status? }` -> `200 { product }`; one audit row. */
export const PUT = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const spuId = idParam((await params).spuId, "PRODUCT_NOT_FOUND");
  const change = await readJson(req, updateProductSchema);
  return NextResponse.json({ product: await updateProduct(spuId, change, admin.id) });
});
