import type { Metadata } from "next";
import Link from "next/link";
import { requireAdmin } from "@/app/admin/ui/access";
import { adminOrders } from "@/lib/admin/order-detail";
import { formatMoney } from "@/lib/money";
import { orderIdSchema } from "@/lib/orders/schemas";
import { PrintButton } from "./PrintButton";
import "../orders.css";
import { oneLineAddress } from "@/lib/orders/address-lines";

export const metadata: Metadata = { title: "Packing slips" };
export const dynamic = "force-dynamic";

const MAX_SLIPS = 100;

/** `?ids=a,b,c`: one packing slip per order, each its own printed page; the console around them is not printed. */
export default async function PackingSlips({ searchParams }: { searchParams: Promise<{ ids?: string | string[] }> }) {
  const { ids } = await searchParams;
  const raw = typeof ids === "string" ? ids : "";
  await requireAdmin(`/admin/orders/slips${raw ? `?ids=${raw}` : ""}`);
  const wanted = [...new Set(raw.split(","))].filter((id) => orderIdSchema.safeParse(id).success).slice(0, MAX_SLIPS);
  const orders = await adminOrders(wanted);
  return (
    <>
      <div className="room-header no-print">
        <div>
          <h1>Packing slips</h1>
          <p className="muted">
            {orders.length === 0 ? "No orders to print: select some in " : `${orders.length} ${orders.length === 1 ? "slip" : "slips"}, one page each. `}
            {orders.length === 0 && <Link href="/admin/orders">Orders</Link>}
          </p>
        </div>
        {orders.length > 0 && <PrintButton />}
      </div>
      <div className="slips">
        {orders.map((o) => {
          const number = o.orderNumber || o.orderId;
          return (
            <article key={o.orderId} className="slip" aria-label={`Packing slip ${number}`}>
              <header>
                <h2>Stockroom · {number}</h2>
                <span>Placed {o.createdAt.slice(0, 10)} · {o.payMethod === "cod" ? `Cash on delivery: collect ${formatMoney(o.totalAmount)}` : "Paid online"}</span>
              </header>
              <p>
                <strong>Ship to</strong>
                <br />
                {o.address.name} · {o.address.phone}
                <br />
                {oneLineAddress(o.address)}
              </p>
              <table>
                <caption className="visually-hidden">Items of {number}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="slip-check">
                      <span className="visually-hidden">Packed</span>
                    </th>
                    <th scope="col">Item</th>
                    <th scope="col">From</th>
                    <th scope="col" className="num">
                      Qty
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {o.lines.map((l) => (
                    <tr key={l.skuId}>
                      <td className="slip-check" aria-hidden="true">☐</td>
                      <td>{l.name}</td>
                      <td>{l.allocations.map((a) => `${a.name} × ${a.count}`).join(", ") || "—"}</td>
                      <td className="num">{l.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p>
                {o.totalCount} {o.totalCount === 1 ? "item" : "items"} · customer {o.username}
                {o.trackingNumber ? ` · ${o.carrier ?? ""} ${o.trackingNumber}` : ""}
              </p>
            </article>
          );
        })}
      </div>
    </>
  );
}
