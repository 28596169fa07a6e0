"use client";

import { useRouter } from "next/navigation";
import { isDrop } from "@/lib/admin/drop-board";
import { skuLabel } from "@/app/admin/ui/format";
import type { StockRow } from "@/lib/admin/stock";

/** "Watch": any SKU's drop page, the drops (a launch time or a limit) listed first. Each pick is a page of its own, so Back returns. */
export function DropPicker({ rows, current }: { rows: StockRow[]; current?: number }) {
  const router = useRouter();
  const drops = rows.filter(isDrop);
  const others = rows.filter((r) => !isDrop(r));
  return (
    <label className="field" style={{ margin: 0 }}>
      <span>Watch</span>
      <select value={current ?? ""} onChange={(e) => e.target.value && router.push(`/admin/drops/${e.target.value}`)}>
        <option value="">Pick a SKU to watch</option>
        {drops.length > 0 && (
          <optgroup label="Drops (launch time or limit)">
            {drops.map((r) => (
              <option key={r.skuId} value={r.skuId}>
                {skuLabel(r)}
              </option>
            ))}
          </optgroup>
        )}
        <optgroup label="Every other SKU">
          {others.map((r) => (
            <option key={r.skuId} value={r.skuId}>
              {skuLabel(r)}
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
}
