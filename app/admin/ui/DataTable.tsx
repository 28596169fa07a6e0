/** A column of a DataTable: its header, and `num` for right-aligned figures. A hidden header still names the column to a screen reader. */
export type Column = { header: string; num?: boolean; hidden?: boolean };

/**
 * The console's table: a table on a wide screen, a list of cards on a phone (admin.css, under
 * 640 px), each cell then labelled by its column (`Cell`'s `label`). It keeps its table semantics
 * either way. The frame is a focusable region, so a keyboard can scroll it if a wide table ever
 * overflows (axe scrollable-region-focusable).
 */
export function DataTable({ label, columns, children, footer, testId }: { label: string; columns: Column[]; children: React.ReactNode; footer?: React.ReactNode; testId?: string }) {
  return (
    <div className="table-wrap data-table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table aria-label={label} className="admin-table data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.num ? "num" : undefined}>
                {c.hidden ? <span className="visually-hidden">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
        {footer && <tfoot>{footer}</tfoot>}
      </table>
    </div>
  );
}

/**
 * A cell of a DataTable row. `label` is its column's name, shown before the value when the row is a
 * card; `num` right-aligns a figure; `wide` lets it take a card's whole width (dates, notes);
 * `empty` (a value the row does not have: no limit) leaves it off the card. A cell with class
 * `cell-action` goes on the card's last line.
 */
export function Cell({ label, num, wide, empty, className, children, ...rest }: { label?: string; num?: boolean; wide?: boolean; empty?: boolean } & React.TdHTMLAttributes<HTMLTableCellElement>) {
  const classes = [num ? "num" : "", wide ? "cell-wide" : "", empty ? "cell-empty" : "", className ?? ""].filter(Boolean).join(" ");
  return (
    <td data-label={label} className={classes || undefined} {...rest}>
      {children}
    </td>
  );
}
