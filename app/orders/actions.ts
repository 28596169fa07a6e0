"use server";

import { revalidatePath } from "next/cache";
import { asUser, type ActionState } from "@/lib/web/action";
import { cancelOrder, payOrder } from "@/lib/orders/lifecycle";

// After a failure too: an order that could not be paid may have just been expired, so its new status shows.
function refresh<S>(orderId: string, state: S): S {
  revalidatePath(`/orders/${orderId}`);
  revalidatePath("/orders");
  return state;
}

/** Bound to an order id by the order page: `payOrderAction.bind(null, orderId)`. */
export async function payOrderAction(orderId: string, _prev: ActionState): Promise<ActionState> {
  return refresh(orderId, await asUser(async (user) => {
    await payOrder(user.id, orderId);
    return undefined;
  }));
}

/** Bound to an order id by the order page: `cancelOrderAction.bind(null, orderId)`. */
export async function cancelOrderAction(orderId: string, _prev: ActionState): Promise<ActionState> {
  return refresh(orderId, await asUser(async (user) => {
    await cancelOrder(user.id, orderId);
    return undefined;
  }));
}
