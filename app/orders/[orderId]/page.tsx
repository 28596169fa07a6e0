import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { RefreshCart } from "@/app/cart/RefreshCart";
import { LinesTable } from "@/app/components/LinesTable";
import { currentUser, requirePageUser } from "@/lib/auth/current";
import { getSkus } from "@/lib/catalog/products";
import { isAppError } from "@/lib/errors";
import { formatMoney, toCents } from "@/lib/money";
import { secondsLeftToPay } from "@/lib/orders/lifecycle";
import { getOrder } from "@/lib/orders/queries";
import { oneLineAddress } from "@/lib/orders/address-lines";
import { ownerByLink } from "@/lib/orders/order-link";
import { GuestOrderNote } from "./GuestOrderNote";
import { PLACED_COOKIE } from "../../components/placed-cookie";
import { STATUS_BADGE, STATUS_LABEL } from "../../components/order-status";
import { OrderActions } from "./OrderActions";
import { ClearPlacedFlag } from "./PlacedFlag";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ orderId: string }>; searchParams: Promise<{ notice?: string; token?: string }> };

const notFoundOn404 = (e: unknown): never => {
  if (isAppError(e) && e.code === "ORDER_NOT_FOUND") notFound();
  throw e;
};

/** By id (ULID) or short number (SR-7K3F92); someone else's order, or no order, is a 404. */
const load = cache(async (userId: number, ref: string) => getOrder(userId, decodeURIComponent(ref)).catch(notFoundOn404));

/** A guest's order through its signed link (lib/orders/order-link.ts): the owner the link names, or a 404. */
const ownerOfLink = cache(async (orderId: string, token: string) => ownerByLink(decodeURIComponent(orderId), token).catch(notFoundOn404));

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { orderId } = await params;
  const { token } = await searchParams;
  const user = await currentUser();
  const ownerId = token ? await ownerOfLink(orderId, token) : user?.id;
  if (ownerId === undefined) return { title: "Order" };
  const order = await load(ownerId, orderId);
  return { title: `Order ${order.orderNumber || order.orderId}` };
}

export default async function OrderPage({ params, searchParams }: Props) {
  const { orderId } = await params;
  const { notice, token } = await searchParams;
  const viaLink = typeof token === "string" && token !== "";
  const user = viaLink ? await currentUser() : await requirePageUser(`/orders/${orderId}`);
  const ownerId = viaLink ? await ownerOfLink(orderId, token) : user!.id;
  const order = await load(ownerId, orderId);
  const justPlaced = (await cookies()).get(PLACED_COOKIE)?.value === order.orderId;
  const art = new Map((await getSkus(order.lines.map((l) => l.skuId))).map((s) => [s.skuId, { category: s.category, hue: s.hue, variant: s.name }]));
  const goods = toCents(order.totalAmount) - toCents(order.freight);
  const name = order.orderNumber || order.orderId;
  return (
    <>
      <RefreshCart />
      {justPlaced && (
        <>
          <ClearPlacedFlag />
          <div className="alert success placed" role="status" data-testid="order-placed">
            <strong>Order placed — thank you!</strong> Your order number is <strong>{name}</strong>.{" "}
            {order.status === "unpaid" ? "Pay below to send it on its way." : "We will ship it soon."}
          </div>
        </>
      )}
      {notice === "claimed" && (
        <p className="alert success" role="status">
          This order is in your account now. Its old link no longer opens it.
        </p>
      )}
      {notice === "already-ordered" && (
        <p className="alert info" role="status">
          This cart was already ordered from another tab or device, so nothing was bought twice. This is that order.
        </p>
      )}
      {viaLink ? (
        <GuestOrderNote orderId={order.orderId} token={token} email={order.address.email} signedIn={user !== null} />
      ) : (
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href="/orders">Your orders</Link> <span aria-hidden="true">/</span> {name}
        </nav>
      )}
      <h1>Order {name}</h1>
      <p className="row">
        <span className={`badge ${STATUS_BADGE[order.status]}`} data-testid="order-status">
          {STATUS_LABEL[order.status]}
        </span>
        <span className="muted">
          {order.payMethod === "online" ? "Pay online" : "Cash on delivery"} · placed{" "}
          <time dateTime={order.createdAt}>{new Date(order.createdAt).toLocaleString("en-US", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" })} UTC</time>
        </span>
      </p>
      <OrderActions
        orderId={order.orderId}
        orderNumber={name}
        status={order.status}
        payMethod={order.payMethod}
        secondsLeft={secondsLeftToPay(order.createdAt)}
        token={viaLink ? token : undefined}
      />
      <LinesTable lines={order.lines.map((l) => ({ ...l, art: art.get(l.skuId) }))} label="Order lines" />
      <div className="summary">
        <span>Items {formatMoney(goods)}</span>
        <span>Freight {formatMoney(order.freight)}</span>
        <strong>Total {formatMoney(order.totalAmount)}</strong>
      </div>
      <h2>Delivery</h2>
      <p>
        {order.address.name} · {order.address.phone}
        {order.address.email && <> · {order.address.email}</>}
        <br />
        {oneLineAddress(order.address)}
      </p>
      {(order.carrier || order.trackingNumber) && (
        <p data-testid="order-tracking">
          Shipped{order.carrier ? ` with ${order.carrier}` : ""}
          {order.trackingNumber && (
            <>
              {" "}
              · tracking number <strong>{order.trackingNumber}</strong>
            </>
          )}
        </p>
      )}
    </>
  );
}
