import { NextResponse } from "next/server";
import { adjustStockSchema } from "@/lib/admin/schemas";
import { adjustStock, listAdjustments } from "@/lib/admin/stock";
import { idParam, readJson, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ skuId: string }> };

export const GET = route<Ctx>(async (req, { params }) => {
  await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  return NextResponse.json({ adjustments: await listAdjustments(skuId) }, { headers: { "Cache-Control": "no-store" } });
});

export const POST = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const input = await readJson(req, adjustStockSchema);
  return NextResponse.json(await adjustStock({ ...input, skuId, adminId: admin.id }), { status: 201 });
});
