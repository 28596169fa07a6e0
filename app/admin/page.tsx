import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { STATUS_LABEL } from "@/app/components/order-status";
import { LaunchTime } from "@/app/components/LaunchTime";
import { dashboard } from "@/lib/admin/dashboard";
import { dropPhase } from "@/lib/admin/drop-board";
import { formatMoney } from "@/lib/money";
import { env } from "@/lib/platform/env";
import { requireAdmin } from "./ui/access";
import { skuLabel } from "./ui/format";
import { PhaseBadge } from "./ui/PhaseBadge";
import { RoomHeader } from "./ui/RoomHeader";

// Absolute: a layout's title template applies to the segments below it, not to its own page.
export const metadata: Metadata = { title: { absolute: "Home · Admin · Stockroom" } };
export const dynamic = "force-dynamic";

/** A dashboard card: a figure, a short list, and the way into its room. */
function Tile({ id, title, figure, words, href, more, children }: { id: string; title: string; figure: number; words: string; href: string; more: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="tile">
      <h2 id={id}>{title}</h2>
      <p className="tile-figure">
        <strong data-testid={`${id}-count`}>{figure}</strong> {words}
      </p>
      {children}
      <p className="tile-more">
        <Link href={href}>{more}</Link>
      </p>
    </section>
  );
}

/** The console's home: today's drops, low stock and unpaid orders, each a way into its room. `/admin?drop=12` (the old drop links) opens that drop. */
export default async function AdminHome({ searchParams }: { searchParams: Promise<{ drop?: string | string[] }> }) {
  const { drop } = await searchParams;
  if (typeof drop === "string" && /^[1-9]\d{0,15}$/.test(drop)) redirect(`/admin/drops/${drop}`);
  await requireAdmin("/admin");
  const threshold = env().LOW_STOCK_THRESHOLD;
  const board = await dashboard(threshold);
  return (
    <>
      <RoomHeader title="Home" lead="What needs you today: drops launching or selling, variants running low, orders not paid yet." />
      <div className="tiles">
        <Tile id="drops-today" title="Today's drops" figure={board.drops.total} words={board.drops.total === 1 ? "drop launching or live" : "drops launching or live"} href="/admin/drops" more="All drops">
          {board.drops.shown.length === 0 ? (
            <p className="muted">No drop launches within a day, and none is selling now.</p>
          ) : (
            <ul className="tile-list" aria-label="Today's drops">
              {board.drops.shown.map((r) => (
                <li key={r.skuId}>
                  <Link href={`/admin/drops/${r.skuId}`}>{skuLabel(r)}</Link>
                  <span className="tile-meta">
                    <PhaseBadge phase={dropPhase(r, board.at)} /> {r.saleStartsAt ? <LaunchTime iso={r.saleStartsAt} /> : `limit ${r.perCustomerLimit}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Tile>
        <Tile id="low-stock" title="Low stock" figure={board.lowStock.total} words={`${board.lowStock.total === 1 ? "variant" : "variants"} at ${threshold} or fewer`} href="/admin/stock?sort=stock-asc" more="Open stock">
          {board.lowStock.shown.length === 0 ? (
            <p className="muted">Every variant has more than {threshold} in stock.</p>
          ) : (
            <ul className="tile-list" aria-label="Low stock">
              {board.lowStock.shown.map((r) => (
                <li key={r.skuId}>
                  <Link href={`/admin/stock?q=${encodeURIComponent(skuLabel(r))}`}>{skuLabel(r)}</Link>
                  <span className="tile-meta">{r.stock === 0 ? <span className="badge sold_out">Sold out</span> : <span className="badge low">{r.stock} left</span>}</span>
                </li>
              ))}
            </ul>
          )}
        </Tile>
        <Tile id="unpaid" title="Unpaid orders" figure={board.unpaid.total} words={`${board.unpaid.total === 1 ? "order" : "orders"} ${STATUS_LABEL.unpaid.toLowerCase()}`} href="/admin/orders?status=unpaid" more="All unpaid orders">
          {board.unpaid.newest.length === 0 ? (
            <p className="muted">Every order is paid or on cash on delivery.</p>
          ) : (
            <ul className="tile-list" aria-label="Newest unpaid orders">
              {board.unpaid.newest.map((o) => (
                <li key={o.orderId}>
                  <span>
                    <strong>{o.orderNumber || o.orderId}</strong> · {o.username}
                  </span>
                  <span className="tile-meta">{formatMoney(o.totalAmount)}</span>
                </li>
              ))}
            </ul>
          )}
        </Tile>
      </div>
    </>
  );
}
