import type { NextRequest } from "next/server";
import { ownerByLink } from "@/lib/orders/order-link";
import { requireUser } from "./http";

/**
 * Whose order a request may read or move: with `?token=` (a guest's signed link) the order's
 * owner if the link is right, else a 404; without, the signed-in user (others' orders are 404s).
 */
export async function orderOwnerFor(req: NextRequest, orderId: string): Promise<number> {
  const token = req.nextUrl.searchParams.get("token");
  if (token !== null) return ownerByLink(orderId, token);
  return (await requireUser(req)).id;
}
