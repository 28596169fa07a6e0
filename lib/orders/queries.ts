import "server-only";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { orderLines, orders, type Order, type OrderLine } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { ShipTo } from "./address-schema";
import { formatOrderNumber, parseOrderNumber } from "./number";
import { orderIdSchema } from "./schemas";

export type OrderView = {
  orderId: string;
  /** Short and human: "SR-7K3F92" (lib/orders/number.ts); accepted wherever the id is. */
  orderNumber: string;
  status: Order["status"];
  payMethod: Order["payMethod"];
  totalCount: number;
  totalAmount: string;
  freight: string;
  createdAt: string;
  /** The ship-to as it was at checkout (a snapshot, whatever happened to the saved address since). */
  address: Omit<ShipTo, "country"> & { country: string };
  lines: { skuId: number; name: string; count: number; price: string }[];
  /** Set when the shop shipped it with a carrier and/or a tracking number (null otherwise). */
  carrier: string | null;
  trackingNumber: string | null;
};

/** `orderNumber` overrides the row's: a header written by the checkout has none until the database gives it one (null: unknown, ""). */
export function toOrderView(
  order: Omit<Order, "orderNumber" | "carrier" | "trackingNumber"> & Partial<Pick<Order, "orderNumber" | "carrier" | "trackingNumber">>,
  lines: Pick<OrderLine, "skuId" | "name" | "count" | "price">[],
  orderNumber: number | null = order.orderNumber ?? null,
): OrderView {
  return {
    orderId: order.id,
    orderNumber: orderNumber === null ? "" : formatOrderNumber(orderNumber),
    status: order.status,
    payMethod: order.payMethod,
    totalCount: order.totalCount,
    totalAmount: order.totalAmount,
    freight: order.freight,
    createdAt: order.createdAt.toISOString(),
    address: {
      name: order.shipName,
      email: order.shipEmail,
      phone: order.shipPhone,
      line1: order.shipLine1,
      line2: order.shipLine2,
      city: order.shipCity,
      region: order.shipRegion,
      postcode: order.shipPostcode,
      country: order.shipCountry,
    },
    lines: lines.map(({ skuId, name, count, price }) => ({ skuId, name, count, price })),
    carrier: order.carrier ?? null,
    trackingNumber: order.trackingNumber ?? null,
  };
}

/** `db`: where to read the lines (the causal pool when the orders were read there, lib/orders/idempotency.ts). */
async function withLines(rows: Order[], db: Db = getDb()): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const lines = await db
    .select()
    .from(orderLines)
    .where(inArray(orderLines.orderId, rows.map((o) => o.id)))
    .orderBy(asc(orderLines.skuId));
  return rows.map((o) => toOrderView(o, lines.filter((l) => l.orderId === o.id)));
}

/** The condition naming one order by its id (ULID) or its short number ("SR-7K3F92"); null when `ref` is neither. */
function orderRef(ref: string) {
  if (orderIdSchema.safeParse(ref).success) return eq(orders.id, ref);
  const n = parseOrderNumber(ref);
  return n === null ? null : eq(orders.orderNumber, n);
}

/** One of the caller's orders, by id or short number; anyone else's is a 404, as is a malformed reference. */
export async function getOrder(userId: number, ref: string): Promise<OrderView> {
  const which = orderRef(ref);
  if (!which) throw new AppError("ORDER_NOT_FOUND");
  const rows = await getDb().select().from(orders).where(and(which, eq(orders.userId, userId))).limit(1);
  const [view] = await withLines(rows);
  if (!view) throw new AppError("ORDER_NOT_FOUND");
  return view;
}

export async function listOrders(userId: number, limit = 50): Promise<OrderView[]> {
  const rows = await getDb().select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt), desc(orders.id)).limit(limit);
  return withLines(rows);
}

export { withLines as ordersWithLines };
