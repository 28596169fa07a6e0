import { NextResponse } from "next/server";
import { createSkuSchema } from "@/lib/admin/catalog/schemas";
import { createVariant } from "@/lib/admin/catalog/variants";
import { idParam, readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ spuId: string }> };

/** `{ name, price, code?, compareAtPrice?, perCustomerLimit?, saleStartsAt?, stock? }` -> `201 { sku }` (initial stock in the ledger as "initial stock"). */
export const POST = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const spuId = idParam((await params).spuId, "PRODUCT_NOT_FOUND");
  const input = await readJson(req, createSkuSchema);
  return NextResponse.json({ sku: await createVariant(spuId, input, admin.id) }, { status: 201 });
});
