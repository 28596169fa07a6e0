import { Fragment } from "react";
import { formatMoney, toCents } from "@/lib/money";
import { ProductThumb } from "./ProductArt";

export type LineArt = { category: string; hue: number; variant: string };
type Line = { skuId: number; name: string; price: string; count: number; art?: LineArt };

/**
 * Item, unit price, quantity and line total: the checkout summary and the order page. `notes`: a
 * row under a line, saying what stands in its way. `out`: lines shown but not in the order (sold
 * out), their total struck through. On a phone the unit price column gives way.
 */
export function LinesTable({ lines, label, notes, out }: { lines: Line[]; label: string; notes?: Map<number, React.ReactNode>; out?: Set<number> }) {
  return (
    // Focusable, so a keyboard can scroll it when a narrow screen cuts the table off.
    <div className="table-wrap lines-table" tabIndex={0} role="region" aria-label={label}>
      <table aria-label={label}>
        <thead>
          <tr>
            <th>Item</th>
            <th className="num hide-narrow">Unit price</th>
            <th className="num">Quantity</th>
            <th className="num">Line total</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => {
            const note = notes?.get(l.skuId);
            const left = out?.has(l.skuId);
            return (
              <Fragment key={l.skuId}>
                <tr className={[note ? "has-note" : "", left ? "line-out" : ""].filter(Boolean).join(" ") || undefined} data-testid={`line-${l.skuId}`}>
                  <td>
                    <span className="line-item">
                      {l.art && <ProductThumb category={l.art.category} hue={l.art.hue} variant={l.art.variant} size={44} />}
                      {l.name}
                    </span>
                  </td>
                  <td className="num hide-narrow">{formatMoney(l.price)}</td>
                  <td className="num">{l.count}</td>
                  <td className="num">
                    {left ? (
                      <>
                        <s>{formatMoney(toCents(l.price) * l.count)}</s>
                        <span className="visually-hidden"> (sold out, not in this order)</span>
                      </>
                    ) : (
                      formatMoney(toCents(l.price) * l.count)
                    )}
                  </td>
                </tr>
                {/* The whole width under its line, so a phone can read it without scrolling the table. */}
                {note && (
                  <tr className="note-row" data-testid={`line-note-${l.skuId}`}>
                    <td colSpan={4}>{note}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
