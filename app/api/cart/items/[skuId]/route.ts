import { cartOwner, cartResponse } from "@/lib/web/cart-request";
import { updateItemSchema } from "@/lib/cart/schemas";
import { removeCartItem, updateCartItem } from "@/lib/cart/service";
import { idParam, readJson, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ skuId: string }> };

export const PUT = route<Ctx>(async (req, { params }) => {
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const change = await readJson(req, updateItemSchema);
  const { owner } = await cartOwner(req);
  await updateCartItem(owner, skuId, change);
  return cartResponse(owner);
});

export const DELETE = route<Ctx>(async (req, { params }) => {
  const skuId = idParam((await params).skuId, "SKU_NOT_FOUND");
  const { owner } = await cartOwner(req);
  await removeCartItem(owner, skuId);
  return cartResponse(owner);
});
