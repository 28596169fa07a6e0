"use server";

import { revalidatePath } from "next/cache";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { asUser, failure, type ActionState } from "@/lib/web/action";
import { AppError } from "@/lib/errors";
import { GUEST_COOKIE, validGuestId } from "@/lib/cart/guest";
import { addressPatchSchema, addressSchema, createAddress, deleteAddress, updateAddress } from "@/lib/orders/addresses";
import { SHIP_TO_KEYS, emailSchema, guestAddressSchema } from "@/lib/orders/address-schema";
import { placeOrder } from "@/lib/orders/checkout";
import { placeGuestOrder } from "@/lib/orders/guests";
import { withRequestId } from "@/lib/platform/request-context";
import { queuePassesOf } from "@/lib/web/queue-pass";
import { PLACED_COOKIE, PLACED_MAX_AGE_SECONDS } from "@/app/components/placed-cookie";
import { guestOrderSchema, idempotencyKeySchema, placeOrderSchema } from "@/lib/orders/schemas";

// Form fields are strings; the service schema is shared, with the id coerced at this edge.
const placeOrderForm = placeOrderSchema.extend({
  addressId: z.coerce.number({ error: "Choose a delivery address." }).pipe(placeOrderSchema.shape.addressId),
  idempotencyKey: idempotencyKeySchema,
});

/** After a placed order: the order page greets the shopper once (the flag holds only the id the URL shows anyway). */
async function greet(orderId: string) {
  // Not httpOnly: the order page clears it once it has greeted the shopper.
  (await cookies()).set(PLACED_COOKIE, orderId, { path: "/", maxAge: PLACED_MAX_AGE_SECONDS, sameSite: "lax", httpOnly: false });
}

/** A refusal every checkout form answers the same way: another tab's order, or a cart that changed. */
function redirectIfSettled(placed: Exclude<ActionState<unknown>, null>) {
  if (placed.ok) return;
  // Another tab or device already bought this cart: show the shopper that order (a guest, through its link).
  if (placed.code === "CART_ALREADY_ORDERED") {
    const url = typeof placed.details?.orderUrl === "string" ? `${placed.details.orderUrl}&` : `/orders/${String(placed.details?.orderId)}?`;
    redirect(`${url}notice=already-ordered`);
  }
  // The cart changed since the page was drawn: draw it again, with the cart as it is now.
  if (placed.code === "CART_CHANGED") redirect("/checkout?notice=cart-changed");
  // Sold-out lines were taken out of the selection: draw the page again with them marked and the rest ready to buy.
  const takenOut = placed.details?.takenOut;
  if (placed.code === "OUT_OF_STOCK" && Array.isArray(takenOut)) redirect(`/checkout?notice=sold-out&out=${takenOut.map(Number).join(",")}`);
}

export async function placeOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const placed = await asUser(async (user) => {
    const input = placeOrderForm.parse({
      addressId: form.get("addressId") ?? undefined,
      payMethod: form.get("payMethod") ?? undefined,
      idempotencyKey: form.get("idempotencyKey") ?? undefined,
      cartRevision: form.get("cartRevision") || undefined,
    });
    // The checkout's log line carries a request id, as it does through the API.
    // A waiting room's pass rides in its cookie, set when the shopper was let in.
    const queuePasses = queuePassesOf(null, (await cookies()).getAll());
    const { order } = await withRequestId((await headers()).get("x-request-id"), () => placeOrder({ ...input, userId: user.id, queuePasses }));
    return order.orderId;
  });
  redirectIfSettled(placed);
  if (!placed.ok) return placed;
  await greet(placed.data);
  revalidatePath("/orders");
  redirect(`/orders/${placed.data}`);
}

/** Every field error of a guest's form at once, named as the form names its fields (the address's without a prefix). */
function guestFieldErrors(form: FormData): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  const email = emailSchema.safeParse(form.get("email") ?? "");
  if (!email.success) errors.email = [email.error.issues[0]!.message];
  const address = guestAddressSchema.safeParse(Object.fromEntries(SHIP_TO_KEYS.map((k) => [k, form.get(k) ?? undefined])));
  if (!address.success) for (const issue of address.error.issues) errors[String(issue.path[0])] ??= [issue.message];
  return Object.keys(errors).length > 0 ? errors : null;
}

/** A guest's checkout (no session): the guest cookie's cart, the e-mail and address typed, then the order's signed link. */
export async function placeGuestOrderAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let orderUrl: string;
  try {
    const fieldErrors = guestFieldErrors(form);
    if (fieldErrors) return { ok: false, code: "VALIDATION", message: Object.values(fieldErrors)[0]![0]!, fieldErrors };
    const guestId = (await cookies()).get(GUEST_COOKIE)?.value;
    if (!validGuestId(guestId)) throw new AppError("EMPTY_CART");
    const input = guestOrderSchema.parse({
      email: form.get("email"),
      address: Object.fromEntries(SHIP_TO_KEYS.map((k) => [k, form.get(k) ?? undefined])),
      payMethod: form.get("payMethod") ?? undefined,
      cartRevision: form.get("cartRevision") || undefined,
    });
    const idempotencyKey = idempotencyKeySchema.parse(form.get("idempotencyKey"));
    const placed = await withRequestId((await headers()).get("x-request-id"), () => placeGuestOrder(guestId, { ...input, idempotencyKey }));
    await greet(placed.order.orderId);
    orderUrl = placed.orderUrl;
  } catch (e) {
    const refused = failure(e);
    redirectIfSettled(refused);
    return refused;
  }
  redirect(orderUrl);
}

const addressForm = (form: FormData) => Object.fromEntries(SHIP_TO_KEYS.map((k) => [k, form.get(k) ?? undefined]));

export async function addAddressAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const added = await asUser(async (user) => {
    await createAddress(user.id, addressSchema.parse(addressForm(form)));
    return undefined;
  });
  if (added.ok) revalidatePath("/checkout");
  return added;
}

/** Bound to an address id by the address book: `updateAddressAction.bind(null, id)`. */
export async function updateAddressAction(addressId: number, _prev: ActionState, form: FormData): Promise<ActionState> {
  const updated = await asUser(async (user) => {
    await updateAddress(user.id, addressId, addressPatchSchema.parse(addressForm(form)));
    return undefined;
  });
  if (updated.ok) revalidatePath("/checkout");
  return updated;
}

export async function makeDefaultAddressAction(addressId: number, _prev: ActionState): Promise<ActionState> {
  const updated = await asUser(async (user) => {
    await updateAddress(user.id, addressId, { isDefault: true });
    return undefined;
  });
  if (updated.ok) revalidatePath("/checkout");
  return updated;
}

export async function deleteAddressAction(addressId: number, _prev: ActionState): Promise<ActionState> {
  const removed = await asUser(async (user) => {
    await deleteAddress(user.id, addressId);
    return undefined;
  });
  if (removed.ok) revalidatePath("/checkout");
  return removed;
}
