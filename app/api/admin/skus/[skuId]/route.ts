import { NextResponse } from "next/server";
import { setOnSaleSchema } from "@/lib/admin/schemas";
import { setOnSale } from "@/lib/admin/stock";
import { idParam, readJson, requireAdmin, route } from "@/lib/http";

type Ctx = { params: Promise<{ skuId: string }> };

export const PUT = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const { onSale } = await readJson(req, setOnSaleSchema);
  return NextResponse.json({ sku: await setOnSale(skuId, onSale) });
});
