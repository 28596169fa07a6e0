import "server-only";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { orderLines, orders, type Order, type OrderLine } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { orderIdSchema } from "./schemas";

export type OrderView = {
  orderId: string;
  status: Order["status"];
  payMethod: Order["payMethod"];
  totalCount: number;
  totalAmount: string;
  freight: string;
  createdAt: string;
  address: { receiver: string; phone: string; region: string; detail: string };
  lines: { skuId: number; name: string; count: number; price: string }[];
};

export function toOrderView(order: Order, lines: Pick<OrderLine, "skuId" | "name" | "count" | "price">[]): OrderView {
  return {
    orderId: order.id,
    status: order.status,
    payMethod: order.payMethod,
    totalCount: order.totalCount,
    totalAmount: order.totalAmount,
    freight: order.freight,
    createdAt: order.createdAt.toISOString(),
    address: { receiver: order.shipReceiver, phone: order.shipPhone, region: order.shipRegion, detail: order.shipDetail },
    lines: lines.map(({ skuId, name, count, price }) => ({ skuId, name, count, price })),
  };
}

async function withLines(rows: Order[]): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const lines = await getDb()
    .select()
    .from(orderLines)
    .where(inArray(orderLines.orderId, rows.map((o) => o.id)))
    .orderBy(asc(orderLines.skuId));
  return rows.map((o) => toOrderView(o, lines.filter((l) => l.orderId === o.id)));
}

/** One of the caller's orders; anyone else's is a 404, as is a malformed id. */
export async function getOrder(userId: number, orderId: string): Promise<OrderView> {
  if (!orderIdSchema.safeParse(orderId).success) throw new AppError("ORDER_NOT_FOUND");
  const rows = await getDb().select().from(orders).where(and(eq(orders.id, orderId), eq(orders.userId, userId))).limit(1);
  const [view] = await withLines(rows);
  if (!view) throw new AppError("ORDER_NOT_FOUND");
  return view;
}

export async function listOrders(userId: number, limit = 50): Promise<OrderView[]> {
  const rows = await getDb().select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt), desc(orders.id)).limit(limit);
  return withLines(rows);
}

export { withLines as ordersWithLines };
