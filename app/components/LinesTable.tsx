import { formatMoney, toCents } from "@/lib/money";

type Line = { skuId: number; name: string; price: string; count: number };

/** Item, unit price, quantity and line total: the checkout summary and the order page. `notes`: a word under a line's name. */
export function LinesTable({ lines, label, notes }: { lines: Line[]; label: string; notes?: Map<number, React.ReactNode> }) {
  return (
    // Focusable, so a keyboard can scroll it when a narrow screen cuts the table off.
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table aria-label={label}>
        <thead>
          <tr>
            <th>Item</th>
            <th className="num">Unit price</th>
            <th className="num">Quantity</th>
            <th className="num">Line total</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.skuId}>
              <td>
                {l.name}
                {notes?.get(l.skuId)}
              </td>
              <td className="num">{formatMoney(l.price)}</td>
              <td className="num">{l.count}</td>
              <td className="num">{formatMoney(toCents(l.price) * l.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
