import type { Metadata } from "next";
import Link from "next/link";
import { requireAdmin } from "@/app/admin/ui/access";
import { Cell, DataTable, type Column } from "@/app/admin/ui/DataTable";
import { skuLabel } from "@/app/admin/ui/format";
import { PhaseBadge } from "@/app/admin/ui/PhaseBadge";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";
import { LaunchTime } from "@/app/components/LaunchTime";
import { dropBoard, dropPhase } from "@/lib/admin/drop-board";
import { stockSnapshot } from "@/lib/admin/stock";
import { listDrops } from "@/lib/drops/report";
import { formatMoney } from "@/lib/money";
import { DropPicker } from "./DropPicker";

export const metadata: Metadata = { title: "Drops" };
export const dynamic = "force-dynamic";

const COLUMNS: Column[] = [{ header: "Drop" }, { header: "Launch" }, { header: "Limit", num: true }, { header: "Stock", num: true }, { header: "Sold", num: true }, { header: "Revenue", num: true }, { header: "Status" }];

/** Every drop, upcoming and past: a SKU with a launch time or a per-customer limit. Each opens its live view. */
export default async function DropsPage() {
  await requireAdmin("/admin/drops");
  const [snapshot, listed] = await Promise.all([stockSnapshot(), listDrops()]);
  const drops = dropBoard(snapshot.skus, snapshot.at);
  const sales = new Map(listed.map((d) => [d.skuId, d]));
  return (
    <>
      <RoomHeader title="Drops" lead="Variants with a launch time or a limit per customer, upcoming first, with the units and revenue each kept. Open one to watch it sell, second by second, or to read its report once it is over.">
        <DropPicker rows={snapshot.skus} />
      </RoomHeader>
      {drops.length === 0 ? (
        <p className="empty-state">No drops yet: give a variant a launch time or a limit in Stock, then watch it here.</p>
      ) : (
        <DataTable label="Drops" columns={COLUMNS}>
          {drops.map((r) => (
            <tr key={r.skuId}>
              <th scope="row" className="admin-name">
                <Link href={`/admin/drops/${r.skuId}`}>{skuLabel(r)}</Link>
              </th>
              <Cell label="Launch">{r.saleStartsAt ? <LaunchTime iso={r.saleStartsAt} /> : <span className="muted">On sale at once</span>}</Cell>
              <Cell label="Limit" num>
                {r.perCustomerLimit ?? <span className="muted">None</span>}
              </Cell>
              <Cell label="Stock" num>
                {r.stock}
              </Cell>
              <Cell label="Sold" num>
                {sales.get(r.skuId)?.units ?? r.sales}
              </Cell>
              <Cell label="Revenue" num>
                {formatMoney(sales.get(r.skuId)?.revenue ?? "0.00")}
              </Cell>
              <Cell label="Status" className="cell-status">
                <PhaseBadge phase={dropPhase(r, snapshot.at)} />
              </Cell>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
