"use server";

import { revalidatePath } from "next/cache";
import { failure, type ActionState } from "@/lib/web/action";
import { currentUser } from "@/lib/auth/current";
import { AppError } from "@/lib/errors";
import { cancelOrder, payOrder } from "@/lib/orders/lifecycle";

async function signedIn() {
  const user = await currentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", { message: "Your session has ended. Please log in again." });
  return user;
}

function refresh(orderId: string) {
  revalidatePath(`/orders/${orderId}`);
  revalidatePath("/orders");
}

/** Bound to an order id by the order page: `payOrderAction.bind(null, orderId)`. */
export async function payOrderAction(orderId: string, _prev: ActionState): Promise<ActionState> {
  try {
    await payOrder((await signedIn()).id, orderId);
  } catch (e) {
    // An order that could not be paid may have just been expired: show its new status too.
    refresh(orderId);
    return failure(e);
  }
  refresh(orderId);
  return { ok: true, data: undefined };
}

/** Bound to an order id by the order page: `cancelOrderAction.bind(null, orderId)`. */
export async function cancelOrderAction(orderId: string, _prev: ActionState): Promise<ActionState> {
  try {
    await cancelOrder((await signedIn()).id, orderId);
  } catch (e) {
    refresh(orderId);
    return failure(e);
  }
  refresh(orderId);
  return { ok: true, data: undefined };
}
