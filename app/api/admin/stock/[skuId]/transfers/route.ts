import { NextResponse } from "next/server";
import { transferStockSchema } from "@/lib/admin/schemas";
import { transferStock } from "@/lib/admin/stock";
import { idParam, readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ skuId: string }> };

export const POST = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const input = await readJson(req, transferStockSchema);
  return NextResponse.json({ transfer: await transferStock({ ...input, skuId, adminId: admin.id }) }, { status: 201 });
});
