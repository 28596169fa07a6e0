import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/current";
import { formatMoney } from "@/lib/money";
import { listOrders } from "@/lib/orders/queries";
import { STATUS_BADGE, STATUS_LABEL } from "../components/order-status";

export const metadata: Metadata = { title: "Your orders" };
export const dynamic = "force-dynamic";

export default async function OrdersPage() {
  const user = await requirePageUser("/orders");
  const orders = await listOrders(user.id);
  return (
    <>
      <h1>Your orders</h1>
      {orders.length === 0 ? (
        <div className="empty-state">
          <p>No orders yet.</p>
          <Link href="/" className="btn">
            Start shopping
          </Link>
        </div>
      ) : (
        <div className="table-wrap orders-table">
          <table aria-label="Your orders">
            <thead>
              <tr>
                <th>Number</th>
                <th className="hide-narrow">Placed</th>
                <th>Status</th>
                <th className="num hide-narrow">Items</th>
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.orderId}>
                  <td>
                    <Link href={`/orders/${o.orderNumber || o.orderId}`} className="order-number">
                      {o.orderNumber || o.orderId}
                    </Link>
                    {/* A phone drops the Placed and Items columns; both move under the number. */}
                    <span className="muted show-narrow">
                      {new Date(o.createdAt).toLocaleDateString("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" })} ·{" "}
                      {o.totalCount} {o.totalCount === 1 ? "item" : "items"}
                    </span>
                  </td>
                  <td className="hide-narrow">
                    <time dateTime={o.createdAt} title={`${new Date(o.createdAt).toLocaleString("en-US", { timeZone: "UTC" })} UTC`}>
                      {new Date(o.createdAt).toLocaleDateString("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" })}
                    </time>
                  </td>
                  <td>
                    <span className={`badge ${STATUS_BADGE[o.status]}`}>{STATUS_LABEL[o.status]}</span>
                  </td>
                  <td className="num hide-narrow">{o.totalCount}</td>
                  <td className="num">{formatMoney(o.totalAmount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
