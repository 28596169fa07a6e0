import { NextResponse } from "next/server";
import { updateSkuSchema } from "@/lib/admin/schemas";
import { updateSku } from "@/lib/admin/sku-settings";
import { idParam, readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ skuId: string }> };

/** `{ onSale?, perCustomerLimit?, saleStartsAt?, price?, name?, code?, compareAtPrice?, waitingRoom?: { admitPerSecond, passMinutes, difficulty } | null }` -> `200 { sku }` with the new values; one audit row. */
export const PUT = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const change = await readJson(req, updateSkuSchema);
  return NextResponse.json({ sku: await updateSku(skuId, change, admin.id) });
});
