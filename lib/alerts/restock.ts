import "server-only";
import type { ResultSetHeader, RowDataPacket } from "mysql2";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { env } from "@/lib/platform/env";

/** One SKU's sellable stock (`skus.stock`) before and after a change, both read under its row lock. */
export type StockChange = { skuId: number; before: number; after: number };

/** How many waiting subscribers a restock to `units` may e-mail: so 2 units do not wake 5,000 people. */
export const notifyLimit = (units: number, factor = env().BACK_IN_STOCK_FACTOR) => Math.max(units, 10) * factor;

/**
 * Called by every path that can raise sellable stock (admin adjustments and transfers, a
 * location turned active, a cancelled or expired order's units going back), inside its
 * transaction, after the change and while it still holds the SKU rows' locks: for each SKU that
 * went from 0 to N > 0, the first `notifyLimit(N)` subscribers in subscription order get a
 * `back_in_stock` outbox row and leave the list, in that same transaction. So a restock that
 * rolls back notifies nobody, two restocks cannot both see the 0 (the SKU lock orders them), and
 * a subscriber is e-mailed once: the row that would let it be picked again is deleted with the
 * INSERT of its e-mail. The variant's notified count (`stock_alert_counts`) grows in that same
 * transaction. Answers the subscribers notified.
 */
export async function notifyRestocked(tx: Tx, changes: StockChange[]): Promise<number> {
  let notified = 0;
  for (const { skuId, before, after } of changes) {
    if (before !== 0 || after <= 0) continue;
    const [rows] = (await tx.execute(
      sql`SELECT id, email FROM stock_alerts WHERE sku_id = ${skuId} ORDER BY id LIMIT ${notifyLimit(after)} FOR UPDATE`,
    )) as unknown as [RowDataPacket[]];
    if (rows.length === 0) continue;
    const picked = rows.map((r) => ({ id: Number(r.id), email: String(r.email) }));
    await tx.execute(
      sql`INSERT INTO mail_outbox (kind, sku_id, alert_id, recipient) VALUES ${sql.join(
        picked.map((p) => sql`('back_in_stock', ${skuId}, ${p.id}, ${p.email})`),
        sql`, `,
      )}`,
    );
    const [gone] = (await tx.execute(sql`DELETE FROM stock_alerts WHERE id IN (${sql.join(picked.map((p) => sql`${p.id}`), sql`, `)})`)) as unknown as [ResultSetHeader];
    await tx.execute(sql`INSERT INTO stock_alert_counts (sku_id, notified) VALUES (${skuId}, ${gone.affectedRows}) ON DUPLICATE KEY UPDATE notified = notified + ${gone.affectedRows}`);
    notified += gone.affectedRows;
  }
  return notified;
}
