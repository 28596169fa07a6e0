import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { requireAdmin } from "@/app/admin/ui/access";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";
import { STATUS_BADGE, STATUS_LABEL } from "@/app/components/order-status";
import { getAdminOrder } from "@/lib/admin/order-detail";
import { isAppError } from "@/lib/errors";
import { formatMoney, toCents } from "@/lib/money";
import { addressLines } from "@/lib/orders/address-lines";
import { OrderEmails } from "../OrderEmails";
import { OrderMoves } from "./OrderMoves";
import { Timeline } from "./Timeline";
import "../orders.css";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ orderId: string }> };

/** By id or number; an unknown or malformed one is the 404 page. */
const load = cache((ref: string) =>
  getAdminOrder(ref).catch((e: unknown) => {
    if (isAppError(e) && e.code === "ORDER_NOT_FOUND") notFound();
    throw e;
  }),
);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Order ${decodeURIComponent((await params).orderId)}` };
}

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

/** One order for the admin: its moves, lines with where each unit ships from, customer, address, payment, and every status it took. */
export default async function AdminOrderPage({ params }: Props) {
  const { orderId } = await params;
  await requireAdmin(`/admin/orders/${orderId}`);
  const order = await load(orderId);
  const number = order.orderNumber || order.orderId;
  const goods = toCents(order.totalAmount) - toCents(order.freight);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin/orders">Orders</Link> <span aria-hidden="true">/</span> {number}
      </nav>
      <RoomHeader title={`Order ${number}`} lead={`Placed ${utc(order.createdAt)} by ${order.username}.`}>
        <p className="row" style={{ margin: 0, justifyContent: "flex-end", flexWrap: "wrap", gap: "0.5rem" }}>
          <span className={`badge ${STATUS_BADGE[order.status]}`} data-testid="admin-order-status">
            {STATUS_LABEL[order.status]}
          </span>
          <Link className="btn small secondary" href={`/admin/orders/slips?ids=${order.orderId}`} target="_blank">
            Packing slip
          </Link>
        </p>
      </RoomHeader>
      <div className="order-page">
        <div className="stack">
          <OrderMoves orderId={order.orderId} number={number} status={order.status} payMethod={order.payMethod} />
          <section className="order-card" aria-labelledby="lines-title">
            <h2 id="lines-title">Lines</h2>
            <ul className="order-lines" aria-label={`Lines of order ${number}`} style={{ position: "static", maxWidth: "none" }}>
              {order.lines.map((l) => (
                <li key={l.skuId}>
                  <strong>{l.name}</strong> · {l.count} × {formatMoney(l.price)}
                  <ul className="alloc-list" aria-label={`Where ${l.name} ships from`}>
                    {l.allocations.length > 0 ? (
                      l.allocations.map((a) => (
                        <li key={a.locationId}>
                          {a.count} from {a.name}
                        </li>
                      ))
                    ) : (
                      <li>No location on record</li>
                    )}
                  </ul>
                </li>
              ))}
            </ul>
            <p className="summary" style={{ margin: "0.75rem 0 0" }}>
              <span>Items {formatMoney(goods)}</span> · <span>Freight {formatMoney(order.freight)}</span> · <strong>Total {formatMoney(order.totalAmount)}</strong>
            </p>
          </section>
          <section className="order-card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <Timeline events={order.events} createdAt={order.createdAt} />
          </section>
          <div className="order-card">
            <OrderEmails orderId={order.orderId} number={number} />
          </div>
        </div>
        <div className="stack">
          <section className="order-card" aria-labelledby="customer-title">
            <h2 id="customer-title">Customer</h2>
            <dl>
              <dt>Username</dt>
              <dd>
                <Link href={`/admin/orders?q=${encodeURIComponent(order.customer.username)}`}>{order.customer.username}</Link>
              </dd>
              <dt>Orders</dt>
              <dd>{order.customer.ordersPlaced}</dd>
            </dl>
          </section>
          <section className="order-card" aria-labelledby="address-title">
            <h2 id="address-title">Ship to</h2>
            <address style={{ fontStyle: "normal" }}>
              {addressLines(order.address).map((line) => (
                <span key={line} style={{ display: "block" }}>
                  {line}
                </span>
              ))}
              {order.address.phone}
              {order.address.email && (
                <>
                  <br />
                  {order.address.email}
                </>
              )}
            </address>
          </section>
          <section className="order-card" aria-labelledby="payment-title">
            <h2 id="payment-title">Payment and shipping</h2>
            <dl>
              <dt>Payment</dt>
              <dd>{order.payMethod === "cod" ? "Cash on delivery" : "Online"}</dd>
              <dt>Carrier</dt>
              <dd data-testid="admin-carrier">{order.carrier ?? "—"}</dd>
              <dt>Tracking</dt>
              <dd data-testid="admin-tracking">{order.trackingNumber ?? "—"}</dd>
            </dl>
          </section>
        </div>
      </div>
    </>
  );
}
