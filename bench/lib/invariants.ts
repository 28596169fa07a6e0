import { getPool } from "@/db";
import { snapshotSkus } from "@/tests/support/fixtures";

type Row = Record<string, unknown>;
async function rows(sql: string): Promise<Row[]> {
  const [result] = await getPool().query(sql);
  return result as Row[];
}

/**
 * What the database must say, whatever the strategy. The ledger is kept by the bench: every
 * SKU's stock + sales as created (`start`), and units sold outside orders (the raw-UPDATE ceiling).
 */
export class Ledger {
  readonly start = new Map<number, number>();
  readonly soldOutsideOrders = new Map<number, number>();

  async record() {
    for (const [id, s] of await snapshotSkus()) if (!this.start.has(id)) this.start.set(id, s.stock + s.sales);
  }

  /** Counters taken before a cell so the cell's own effect can be checked. */
  async mark() {
    const [orders] = await rows("SELECT COUNT(*) AS n FROM orders");
    const [units] = await rows("SELECT COALESCE(SUM(count), 0) AS n FROM order_lines");
    const skus = await snapshotSkus();
    // Sales made outside orders (the raw-UPDATE ceiling) are set aside, so sales must track order units.
    const outside = [...this.soldOutsideOrders.values()].reduce((s, n) => s + n, 0);
    const sales = [...skus.values()].reduce((s, r) => s + r.sales, 0) - outside;
    return { orders: Number(orders!.n), units: Number(units!.n), sales };
  }

  /**
   * Every invariant over the whole database, plus the cell's own: the orders it created are the
   * ones it was told about (201s), and the sales it added are the units in those orders' lines.
   * Returns a list of violations; empty means all held.
   */
  async check(before: Awaited<ReturnType<Ledger["mark"]>>, created: number, limits: Map<number, number> = new Map()): Promise<string[]> {
    const problems: string[] = [];
    const skus = await snapshotSkus();
    const sold = new Map((await rows("SELECT sku_id, SUM(count) AS n FROM order_lines GROUP BY sku_id")).map((r) => [Number(r.sku_id), Number(r.n)]));
    for (const [id, s] of skus) {
      const start = this.start.get(id);
      if (start === undefined) problems.push(`SKU ${id} appeared without the bench creating it`);
      else if (s.stock + s.sales !== start) problems.push(`SKU ${id}: stock ${s.stock} + sales ${s.sales} != start ${start}`);
      const expected = (sold.get(id) ?? 0) + (this.soldOutsideOrders.get(id) ?? 0);
      if (s.sales !== expected) problems.push(`SKU ${id}: sales ${s.sales} != units in order lines ${expected}`);
      if (s.stock < 0) problems.push(`SKU ${id}: negative stock ${s.stock}`);
      const limit = limits.get(id);
      if (limit !== undefined && s.sales > limit) problems.push(`SKU ${id}: oversold, ${s.sales} sold of ${limit}`);
    }
    // Per location: never below zero (the column is unsigned, checked anyway), the active ones
    // add up to the SKU's sellable stock, and each line's allocations add up to the line.
    const [negative] = await rows("SELECT COUNT(*) AS n FROM sku_locations WHERE stock < 0");
    if (Number(negative!.n) > 0) problems.push(`${negative!.n} locations below zero`);
    // The raw-UPDATE ceiling sells outside orders, straight off `skus`: its SKU is left out.
    const unsummed = (
      await rows(`
      SELECT s.id FROM skus s LEFT JOIN (SELECT sku_id, SUM(stock) AS n FROM sku_locations WHERE active = 1 GROUP BY sku_id) l ON l.sku_id = s.id
      WHERE s.stock <> COALESCE(l.n, 0)`)
    ).filter((r) => !this.soldOutsideOrders.has(Number(r.id)));
    if (unsummed.length > 0) problems.push(`${unsummed.length} SKUs whose stock is not the sum over their active locations`);
    const [unallocated] = await rows(`
      SELECT COUNT(*) AS n FROM order_lines ol LEFT JOIN (SELECT order_id, sku_id, SUM(count) AS n FROM order_line_allocations GROUP BY order_id, sku_id) a
        ON a.order_id = ol.order_id AND a.sku_id = ol.sku_id
      WHERE ol.count <> COALESCE(a.n, 0)`);
    if (Number(unallocated!.n) > 0) problems.push(`${unallocated!.n} order lines whose allocations do not add up to their count`);
    const [empty] = await rows("SELECT COUNT(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)");
    if (Number(empty!.n) > 0) problems.push(`${empty!.n} orders without lines`);
    const [wrong] = await rows(`
      SELECT COUNT(*) AS n FROM orders o
      JOIN (SELECT order_id, SUM(count * price) AS amount, SUM(count) AS units FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
      WHERE o.total_amount <> l.amount + o.freight OR o.total_count <> l.units`);
    if (Number(wrong!.n) > 0) problems.push(`${wrong!.n} orders whose total is not sum(lines) + freight`);

    const after = await this.mark();
    if (after.orders - before.orders !== created) problems.push(`cell created ${after.orders - before.orders} orders but answered 201 to ${created}`);
    if (after.sales - before.sales !== after.units - before.units) {
      problems.push(`cell added ${after.sales - before.sales} sales but ${after.units - before.units} units in order lines`);
    }
    return problems;
  }
}
