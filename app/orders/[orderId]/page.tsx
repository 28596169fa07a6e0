import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RefreshCart } from "@/app/cart/RefreshCart";
import { requirePageUser } from "@/lib/auth/current";
import { isAppError } from "@/lib/errors";
import { LinesTable } from "@/app/components/LinesTable";
import { formatMoney, toCents } from "@/lib/money";
import { secondsLeftToPay } from "@/lib/orders/lifecycle";
import { getOrder } from "@/lib/orders/queries";
import { STATUS_BADGE, STATUS_LABEL } from "../status";
import { OrderActions } from "./OrderActions";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ orderId: string }>; searchParams: Promise<{ notice?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Order ${(await params).orderId}` };
}

export default async function OrderPage({ params, searchParams }: Props) {
  const { orderId } = await params;
  const { notice } = await searchParams;
  const user = await requirePageUser(`/orders/${orderId}`);
  const order = await getOrder(user.id, orderId).catch((e: unknown) => {
    if (isAppError(e) && e.code === "ORDER_NOT_FOUND") notFound();
    throw e;
  });
  const goods = toCents(order.totalAmount) - toCents(order.freight);
  return (
    <>
      <RefreshCart />
      {notice === "already-ordered" && (
        <p className="alert info" role="status">
          This cart was already ordered from another tab or device, so nothing was bought twice. This is that order.
        </p>
      )}
      <h1>Order {order.orderId}</h1>
      <p className="row">
        <span className={`badge ${STATUS_BADGE[order.status]}`} data-testid="order-status">
          {STATUS_LABEL[order.status]}
        </span>
        <span className="muted">
          {order.payMethod === "online" ? "Pay online" : "Cash on delivery"} · placed{" "}
          {new Date(order.createdAt).toLocaleString("en-US", { timeZone: "UTC" })} UTC
        </span>
      </p>
      <OrderActions orderId={order.orderId} status={order.status} payMethod={order.payMethod} secondsLeft={secondsLeftToPay(order.createdAt)} />
      <LinesTable lines={order.lines} label="Order lines" />
      <div className="summary">
        <span>Items {formatMoney(goods)}</span>
        <span>Freight {formatMoney(order.freight)}</span>
        <strong>Total {formatMoney(order.totalAmount)}</strong>
      </div>
      <h2>Delivery</h2>
      <p>
        {order.address.receiver} · {order.address.phone}
        <br />
        {order.address.detail}, {order.address.region}
      </p>
    </>
  );
}
