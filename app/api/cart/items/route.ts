import { cartOwner, cartResponse } from "@/lib/web/cart-request";
import { addItemSchema } from "@/lib/cart/schemas";
import { addToCart } from "@/lib/cart/service";
import { readJson, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const POST = route(async (req) => {
  const input = await readJson(req, addItemSchema);
  const { owner, newGuestId } = await cartOwner(req);
  await addToCart(owner, input);
  return cartResponse(owner, newGuestId, 201);
});
