import type { Metadata } from "next";
import { requireAdmin } from "@/app/admin/ui/access";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";
import { ORDER_STATUSES, type OrderStatus } from "@/db/schema";
import { OrdersOverview } from "./OrdersOverview";

export const metadata: Metadata = { title: "Orders" };
export const dynamic = "force-dynamic";

const isOrderStatus = (v: unknown): v is OrderStatus => (ORDER_STATUSES as readonly unknown[]).includes(v);

/** Every shopper's newest orders; `?status=` opens one status (the dashboard's unpaid link). */
export default async function OrdersPage({ searchParams }: { searchParams: Promise<{ status?: string | string[] }> }) {
  await requireAdmin("/admin/orders");
  const { status } = await searchParams;
  return (
    <>
      <RoomHeader title="Orders" lead="The newest orders of every shopper. Open one for its lines and where they ship from; ship and complete them here." />
      <OrdersOverview initialStatus={isOrderStatus(status) ? status : ""} />
    </>
  );
}
