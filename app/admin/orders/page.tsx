import type { Metadata } from "next";
import { requireAdmin } from "@/app/admin/ui/access";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";
import { ORDER_STATUSES, type OrderStatus } from "@/db/schema";
import { OrdersOverview } from "./OrdersOverview";
import "./orders.css";

export const metadata: Metadata = { title: "Orders" };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

const isOrderStatus = (v: unknown): v is OrderStatus => (ORDER_STATUSES as readonly unknown[]).includes(v);
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v.slice(0, 100) : "");

/** Every shopper's orders; `?q=&status=&from=&to=` open a search (the dashboard links `?status=unpaid`). */
export default async function OrdersPage({ searchParams }: { searchParams: Search }) {
  await requireAdmin("/admin/orders");
  const params = await searchParams;
  const status = one(params.status);
  return (
    <>
      <RoomHeader title="Orders" lead="Every order, newest first. Find one by number, customer, SKU or product; open it to cancel, ship with a tracking number, or print its packing slip." />
      <OrdersOverview initial={{ q: one(params.q), status: isOrderStatus(status) ? status : "", from: one(params.from), to: one(params.to) }} />
    </>
  );
}
