import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { affectedRows, type Tx } from "@/db";
import { skus } from "@/db/schema";
import type { CHECKOUT_STRATEGIES } from "@/lib/env";

export type Strategy = (typeof CHECKOUT_STRATEGIES)[number];
/** Strategies that run one order per transaction (`batched` combines many). */
export type SingleStrategy = Exclude<Strategy, "batched">;
export type Want = { skuId: number; count: number };

/** Thrown inside the transaction so it rolls back; carries the SKU that ran short. */
export class ShortStock extends Error {
  constructor(readonly skuId: number) {
    super(`short on SKU ${skuId}`);
  }
}

/** Thrown when the optimistic loop gives up while stock remained: the row was too contended. */
export class TooContended extends Error {}

export const OPTIMISTIC_MAX_TRIES = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `stock = stock - n` only where enough is left: one statement, no read, and the row lock is
 * held from here to commit, so callers apply it last in the transaction.
 */
async function conditional(tx: Tx, lines: Want[]) {
  for (const { skuId, count } of lines) {
    const result = await tx
      .update(skus)
      .set({ stock: sql`${skus.stock} - ${count}`, sales: sql`${skus.sales} + ${count}` })
      .where(and(eq(skus.id, skuId), eq(skus.onSale, true), gte(skus.stock, count)));
    if (affectedRows(result) !== 1) throw new ShortStock(skuId);
  }
}

/**
 * The seed's algorithm: read the stock, then write it only if it is still what was read,
 * retrying while another buyer got there first and stock still suffices. Bounded, unlike the seed,
 * and it needs READ COMMITTED so that a re-read sees the other buyer's commit.
 */
async function optimistic(tx: Tx, lines: Want[], metrics: { optimisticRetries: number }) {
  for (const { skuId, count } of lines) {
    for (let attempt = 1; ; attempt++) {
      const [row] = await tx.select({ stock: skus.stock, onSale: skus.onSale }).from(skus).where(eq(skus.id, skuId));
      if (!row || !row.onSale || row.stock < count) throw new ShortStock(skuId);
      const result = await tx
        .update(skus)
        .set({ stock: row.stock - count, sales: sql`${skus.sales} + ${count}` })
        .where(and(eq(skus.id, skuId), eq(skus.stock, row.stock)));
      if (affectedRows(result) === 1) break;
      if (attempt >= OPTIMISTIC_MAX_TRIES) throw new TooContended(`gave up on SKU ${skuId} after ${attempt} tries`);
      metrics.optimisticRetries++;
      await sleep(Math.random() * Math.min(2 * attempt, 20));
    }
  }
}

/** Lock every line's row (ascending id, so two carts never wait on each other in a cycle), check, update. */
async function pessimistic(tx: Tx, lines: Want[]) {
  const rows = await tx
    .select({ id: skus.id, stock: skus.stock, onSale: skus.onSale })
    .from(skus)
    .where(inArray(skus.id, lines.map((l) => l.skuId)))
    .orderBy(skus.id)
    .for("update");
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const { skuId, count } of lines) {
    const row = byId.get(skuId);
    if (!row || !row.onSale || row.stock < count) throw new ShortStock(skuId);
  }
  for (const { skuId, count } of lines) {
    await tx
      .update(skus)
      .set({ stock: sql`${skus.stock} - ${count}`, sales: sql`${skus.sales} + ${count}` })
      .where(eq(skus.id, skuId));
  }
}

/** Takes every line's units out of stock or throws ShortStock; `lines` must be sorted by skuId. */
export function takeStock(strategy: SingleStrategy, tx: Tx, lines: Want[], metrics: { optimisticRetries: number }) {
  switch (strategy) {
    case "conditional":
      return conditional(tx, lines);
    case "optimistic":
      return optimistic(tx, lines, metrics);
    case "pessimistic":
      return pessimistic(tx, lines);
  }
}
