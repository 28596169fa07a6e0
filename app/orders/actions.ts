"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { asUser, failure, type ActionState } from "@/lib/web/action";
import { claimOrder } from "@/lib/orders/claim";
import { cancelOrder, payOrder } from "@/lib/orders/lifecycle";
import { ownerByLink } from "@/lib/orders/order-link";

// After a failure too: an order that could not be paid may have just been expired, so its new status shows.
function refresh<S>(orderId: string, state: S): S {
  revalidatePath(`/orders/${orderId}`);
  revalidatePath("/orders");
  return state;
}

/** The signed-in owner, or with `token` whoever holds the guest order's signed link. */
async function asOwner(orderId: string, token: string | null, work: (ownerId: number) => Promise<unknown>): Promise<Exclude<ActionState, null>> {
  if (token === null) return asUser(async (user) => void (await work(user.id)));
  try {
    await work(await ownerByLink(orderId, token));
    return { ok: true, data: undefined };
  } catch (e) {
    return failure(e);
  }
}

/** Bound by the order page: `payOrderAction.bind(null, orderId, token)` (token null for a signed-in owner). */
export async function payOrderAction(orderId: string, token: string | null, _prev: ActionState): Promise<ActionState> {
  return refresh(orderId, await asOwner(orderId, token, (owner) => payOrder(owner, orderId)));
}

/** Bound by the order page: `cancelOrderAction.bind(null, orderId, token)`. */
export async function cancelOrderAction(orderId: string, token: string | null, _prev: ActionState): Promise<ActionState> {
  return refresh(orderId, await asOwner(orderId, token, (owner) => cancelOrder(owner, orderId)));
}

/** A signed-in shopper holding a guest order's link moves it into their account, then sees it there. */
export async function claimOrderAction(orderId: string, token: string, _prev: ActionState): Promise<ActionState> {
  const claimed = await asUser(async (user) => {
    await claimOrder(user.id, orderId, token);
    return undefined;
  });
  if (!claimed.ok) return claimed;
  revalidatePath("/orders");
  redirect(`/orders/${orderId}?notice=claimed`);
}
