import "server-only";
import { isAppError, type ErrorCode } from "@/lib/errors";
import { adminActor } from "@/lib/orders/events";
import { cancelOrderAsAdmin, completeOrder, shipOrder } from "@/lib/orders/lifecycle";
import { getAdminOrder, resolveOrderId, type AdminOrderDetail } from "./order-detail";
import { bulkShipSchema, shipSchema } from "./order-schemas";

/**
 * The console's order moves (API routes and the orders room's actions): each resolves the order
 * (id or number), makes the one move in lib/orders/lifecycle.ts as this admin, and answers the
 * order as the console shows it.
 */

export async function cancelAsAdmin(adminId: number, ref: string): Promise<AdminOrderDetail> {
  const orderId = await resolveOrderId(ref);
  await cancelOrderAsAdmin(adminId, orderId);
  return getAdminOrder(orderId);
}

/** `input`: `{ carrier?, trackingNumber? }`, validated here (each at most 64 characters; blank is none). */
export async function shipAsAdmin(adminId: number, ref: string, input: unknown = {}): Promise<AdminOrderDetail> {
  const shipment = shipSchema.parse(input);
  const orderId = await resolveOrderId(ref);
  await shipOrder(orderId, shipment, adminActor(adminId));
  return getAdminOrder(orderId);
}

export async function completeAsAdmin(adminId: number, ref: string): Promise<AdminOrderDetail> {
  const orderId = await resolveOrderId(ref);
  await completeOrder(orderId, adminActor(adminId));
  return getAdminOrder(orderId);
}

export type BulkShipReport = { shipped: string[]; refused: { orderId: string; code: ErrorCode; message: string }[] };

/** How many of a bulk ship's orders move at once: each is its own short transaction. */
const BULK_CONCURRENCY = 4;

/**
 * Ships 1–100 orders, each in its own transaction (one that cannot move stops none of the others),
 * and reports which moved and which were refused and why (INVALID_TRANSITION, ORDER_NOT_FOUND).
 * An id may also be an order number; a repeated one counts once.
 */
export async function shipManyAsAdmin(adminId: number, input: unknown): Promise<BulkShipReport> {
  const ids = [...new Set(bulkShipSchema.parse(input).orderIds)];
  const report: BulkShipReport = { shipped: [], refused: [] };
  const outcome = new Map<string, true | { code: ErrorCode; message: string }>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const ref = ids[next++]!;
      try {
        await shipOrder(await resolveOrderId(ref), {}, adminActor(adminId));
        outcome.set(ref, true);
      } catch (e) {
        if (!isAppError(e)) throw e;
        outcome.set(ref, { code: e.code, message: e.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, ids.length) }, worker));
  for (const id of ids) {
    const o = outcome.get(id)!;
    if (o === true) report.shipped.push(id);
    else report.refused.push({ orderId: id, ...o });
  }
  return report;
}
