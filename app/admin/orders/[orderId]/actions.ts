"use server";

import { revalidatePath } from "next/cache";
import { cancelAsAdmin, completeAsAdmin, shipAsAdmin } from "@/lib/admin/order-moves";
import { asUser, type ActionState } from "@/lib/web/action";

/** What the order page's forms get back: the move's new status (its words are the page's). */
export type MoveState = ActionState<{ status: string }>;

// After a refusal too: a lost race leaves the order in the winner's status, which the page then shows.
function refresh<S>(orderId: string, state: S): S {
  revalidatePath(`/admin/orders/${orderId}`);
  return state;
}

/** Bound to an order id by the order page. */
export async function cancelOrderAction(orderId: string, _prev: MoveState): Promise<MoveState> {
  return refresh(orderId, await asUser(async (admin) => ({ status: (await cancelAsAdmin(admin.id, orderId)).status }), { role: "admin" }));
}

/** Bound to an order id; the form sends an optional carrier and tracking number. */
export async function shipOrderAction(orderId: string, _prev: MoveState, form: FormData): Promise<MoveState> {
  const input = { carrier: form.get("carrier") ?? undefined, trackingNumber: form.get("trackingNumber") ?? undefined };
  return refresh(orderId, await asUser(async (admin) => ({ status: (await shipAsAdmin(admin.id, orderId, input)).status }), { role: "admin" }));
}

export async function completeOrderAction(orderId: string, _prev: MoveState): Promise<MoveState> {
  return refresh(orderId, await asUser(async (admin) => ({ status: (await completeAsAdmin(admin.id, orderId)).status }), { role: "admin" }));
}
