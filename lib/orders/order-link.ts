import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { orders } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/platform/env";
import { orderIdSchema } from "./schemas";

/**
 * The signed link that shows a guest its order: `/orders/<id>?token=<HMAC>`. The order number
 * alone never shows an order. The HMAC (SESSION_SECRET) covers the order id AND its owner, so
 * the link stops working the moment the order is claimed into an account (its owner changes):
 * nothing to store, nothing to revoke. A wrong, forged or stale token is a plain 404, like an
 * order that does not exist.
 */

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const sign = (orderId: string, ownerId: number) => createHmac("sha256", env().SESSION_SECRET).update(`order-link:${orderId}:${ownerId}`).digest();

export const orderLinkToken = (orderId: string, ownerId: number) => sign(orderId, ownerId).toString("base64url");

/** The path a guest keeps (the API answers it as `orderUrl`). */
export const orderLinkPath = (orderId: string, ownerId: number) => `/orders/${orderId}?token=${orderLinkToken(orderId, ownerId)}`;

/** The owner (a guest's shadow user) of the order the link names; ORDER_NOT_FOUND for anything else. */
export async function ownerByLink(orderId: string, token: string | null | undefined): Promise<number> {
  if (!token || !TOKEN.test(token) || !orderIdSchema.safeParse(orderId).success) throw new AppError("ORDER_NOT_FOUND");
  const [row] = await getDb().select({ userId: orders.userId }).from(orders).where(eq(orders.id, orderId)).limit(1);
  if (!row) throw new AppError("ORDER_NOT_FOUND");
  const given = Buffer.from(token, "base64url");
  if (!timingSafeEqual(given, sign(orderId, row.userId))) throw new AppError("ORDER_NOT_FOUND");
  return row.userId;
}
