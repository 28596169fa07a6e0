"use server";

import { revalidatePath } from "next/cache";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { asUser, type ActionState } from "@/lib/web/action";
import { addressSchema, createAddress } from "@/lib/orders/addresses";
import { placeOrder } from "@/lib/orders/checkout";
import { withRequestId } from "@/lib/platform/request-context";
import { PLACED_COOKIE, PLACED_MAX_AGE_SECONDS } from "@/app/components/placed-cookie";
import { idempotencyKeySchema, placeOrderSchema } from "@/lib/orders/schemas";

// Form fields are strings; the service schema is shared, with the id coerced at this edge.
const placeOrderForm = placeOrderSchema.extend({
  addressId: z.coerce.number({ error: "Choose a delivery address." }).pipe(placeOrderSchema.shape.addressId),
  idempotencyKey: idempotencyKeySchema,
});

export async function placeOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const placed = await asUser(async (user) => {
    const input = placeOrderForm.parse({
      addressId: form.get("addressId") ?? undefined,
      payMethod: form.get("payMethod") ?? undefined,
      idempotencyKey: form.get("idempotencyKey") ?? undefined,
      cartRevision: form.get("cartRevision") || undefined,
    });
    // The checkout's log line carries a request id, as it does through the API.
    const { order } = await withRequestId((await headers()).get("x-request-id"), () => placeOrder({ ...input, userId: user.id }));
    return order.orderId;
  });
  if (!placed.ok) {
    // Another tab or device already bought this cart: show the shopper that order.
    if (placed.code === "CART_ALREADY_ORDERED") redirect(`/orders/${String(placed.details?.orderId)}?notice=already-ordered`);
    // The cart changed since the page was drawn: draw it again, with the cart as it is now.
    if (placed.code === "CART_CHANGED") redirect("/checkout?notice=cart-changed");
    // Sold-out lines were taken out of the selection: draw the page again with them marked and the rest ready to buy.
    const takenOut = placed.details?.takenOut;
    if (placed.code === "OUT_OF_STOCK" && Array.isArray(takenOut)) redirect(`/checkout?notice=sold-out&out=${takenOut.map(Number).join(",")}`);
    return placed;
  }
  const orderId = placed.data;
  // Not httpOnly: the order page clears it once it has greeted the shopper. It holds only the id the URL shows anyway.
  (await cookies()).set(PLACED_COOKIE, orderId, { path: "/", maxAge: PLACED_MAX_AGE_SECONDS, sameSite: "lax", httpOnly: false });
  revalidatePath("/orders");
  redirect(`/orders/${orderId}`);
}

export async function addAddressAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const added = await asUser(async (user) => {
    const input = addressSchema.parse(Object.fromEntries(["receiver", "phone", "region", "detail"].map((k) => [k, form.get(k) ?? undefined])));
    await createAddress(user.id, input);
    return undefined;
  });
  if (added.ok) revalidatePath("/checkout");
  return added;
}
