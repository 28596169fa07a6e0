import { NextResponse } from "next/server";
import { listProducts } from "@/lib/catalog/products";
import { route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const products = await listProducts();
  return NextResponse.json({
    products: products.map((p) => ({
      spuId: p.spuId,
      name: p.name,
      description: p.description,
      category: p.category,
      skus: p.skus,
    })),
  });
});
