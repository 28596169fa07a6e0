import { performance } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import { getDb, getPool } from "@/db";
import { skus } from "@/db/schema";
import { fillCart, makeSkus, type Shopper } from "@/tests/support/fixtures";
import type { Ledger } from "./invariants";
import type { Outcome } from "./load";
import type { Mode, Strategy } from "./options";
import { summarize, type LatencySummary } from "./stats";
import type { Target } from "./targets";

/** The drop: a limited edition released at once to a crowd, each shopper pressing "Buy" three times. */
export const DROP = { shoppers: 256, stock: 100, limit: 1, checkoutsEach: 3 } as const;

export type DropResult = {
  mode: Mode;
  strategy: Strategy;
  shoppers: number;
  stock: number;
  sold: number;
  /** From the release to the answer that sold the last unit (null if it never sold out). */
  sellOutMs: number | null;
  winners: LatencySummary;
  losers: LatencySummary;
  byCode: Record<string, number>;
  overLimit: number;
  problems: string[];
};

/** Customers holding more of the SKU than its limit, in orders that are not cancelled. */
async function overLimitCustomers(skuId: number, limit: number): Promise<number> {
  const [rows] = await getPool().query(
    `SELECT o.user_id, SUM(l.count) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id
     WHERE l.sku_id = ? AND o.status <> 'cancelled' GROUP BY o.user_id HAVING units > ?`,
    [skuId, limit],
  );
  return (rows as unknown[]).length;
}

/**
 * One drop cell: a SKU with DROP.stock units and a limit of DROP.limit per customer; every
 * shopper's cart holds one unit; all shoppers fire DROP.checkoutsEach checkouts with different
 * keys at the same instant. Checks 0 over the limit, 0 oversold and the ledger.
 */
export async function dropCell(mode: Mode, target: Target, strategy: Strategy, shoppers: Shopper[], ledger: Ledger, label: string): Promise<DropResult> {
  const crowd = shoppers.slice(0, DROP.shoppers);
  if (crowd.length < DROP.shoppers) throw new Error(`the drop needs ${DROP.shoppers} shoppers, got ${crowd.length}`);
  const [skuId] = await makeSkus([DROP.stock], { product: `Bench drop ${label}`, category: "Bench" });
  await getDb().update(skus).set({ perCustomerLimit: DROP.limit }).where(eq(skus.id, skuId!));
  await ledger.record();
  const before = await ledger.mark();
  await Promise.all(crowd.map((s) => fillCart(s, [{ skuId: skuId!, count: 1 }])));

  const winners: number[] = [];
  const losers: number[] = [];
  const byCode: Record<string, number> = {};
  let lastSale = 0;
  const released = performance.now();
  await Promise.all(
    crowd.flatMap((shopper, i) =>
      Array.from({ length: DROP.checkoutsEach }, async (_, k) => {
        const t = performance.now();
        const outcome: Outcome = await target.order(shopper, `drop.${label}.${i}.${k}`.replace(/[^\w.-]/g, "_")).catch((e: unknown) => ({ code: `ERR ${String(e)}`, ok: false }));
        const done = performance.now();
        (outcome.ok ? winners : losers).push(done - t);
        if (outcome.ok) lastSale = Math.max(lastSale, done);
        byCode[outcome.code] = (byCode[outcome.code] ?? 0) + 1;
      }),
    ),
  );

  const sold = winners.length;
  const problems = await ledger.check(before, sold, new Map([[skuId!, DROP.stock]]));
  const overLimit = await overLimitCustomers(skuId!, DROP.limit);
  if (overLimit > 0) problems.push(`${overLimit} customers over the limit of ${DROP.limit}`);
  if (sold > DROP.stock) problems.push(`sold ${sold} of ${DROP.stock}`);
  const allowed = new Set(["201", "409 OUT_OF_STOCK", "409 PURCHASE_LIMIT_REACHED", "409 CART_ALREADY_ORDERED", "400 EMPTY_CART", "503 BUSY"]);
  for (const [code, n] of Object.entries(byCode)) if (!allowed.has(code)) problems.push(`${n} unexpected "${code}" answers`);
  return {
    mode,
    strategy,
    shoppers: crowd.length,
    stock: DROP.stock,
    sold,
    sellOutMs: sold === DROP.stock ? Math.round(lastSale - released) : null,
    winners: summarize(winners),
    losers: summarize(losers),
    byCode,
    overLimit,
    problems,
  };
}

export function dropMarkdown(results: DropResult[]): string {
  const head = `Drop: ${DROP.shoppers} shoppers x ${DROP.checkoutsEach} checkouts (different keys) at once on ${DROP.stock} units, limit ${DROP.limit} per customer.\n\n`;
  const rows = results.map((r) =>
    [
      r.mode,
      r.strategy,
      `${r.sold}/${r.stock}`,
      r.sellOutMs === null ? "did not sell out" : `${r.sellOutMs} ms`,
      `${r.winners.p50} / ${r.winners.p99}`,
      `${r.losers.p50} / ${r.losers.p99}`,
      r.overLimit,
      Object.entries(r.byCode)
        .map(([c, n]) => `${c}: ${n}`)
        .join(", "),
      r.problems.length === 0 ? "ok" : r.problems.slice(0, 3).join("; "),
    ].join(" | "),
  );
  return `${head}| mode | strategy | sold | time to sell out | winners p50 / p99 ms | losers p50 / p99 ms | over limit | answers | invariants |\n|---|---|---:|---:|---:|---:|---:|---|---|\n${rows.map((r) => `| ${r} |`).join("\n")}`;
}
