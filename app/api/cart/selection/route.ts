import { cartOwner, cartResponse } from "@/lib/web/cart-request";
import { selectionSchema } from "@/lib/cart/schemas";
import { setCartSelection } from "@/lib/cart/service";
import { readJson, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const PUT = route(async (req) => {
  const { selected } = await readJson(req, selectionSchema);
  const { owner, newGuestId } = await cartOwner(req);
  await setCartSelection(owner, selected);
  return cartResponse(owner, newGuestId);
});
