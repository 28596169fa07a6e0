import { NextResponse } from "next/server";
import { updateSkuSchema } from "@/lib/admin/schemas";
import { updateSku } from "@/lib/admin/stock";
import { idParam, readJson, requireAdmin, route } from "@/lib/web/http";

type Ctx = { params: Promise<{ skuId: string }> };

/** `{ onSale?, perCustomerLimit?, saleStartsAt?, price?, name? }` -> `200 { sku }` with the new values. */
export const PUT = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const change = await readJson(req, updateSkuSchema);
  return NextResponse.json({ sku: await updateSku(skuId, change) });
});
