/**
 * A Jepsen-style check of a fault race (issue 38): the history of every checkout a client made
 * (its invoke and completion times, its outcome: ok with an order, fail with a refusal, or unknown
 * when it never got a final answer) against the committed state of every Galera node afterwards.
 *   - each acknowledged order exists, exactly once, under the key it was asked with;
 *   - no order exists for a request the client was told failed;
 *   - a request whose outcome the client never learnt is resolved by its idempotency key;
 *   - no order exists that no client asked for, no key and no cart revision bought twice;
 *   - stock is conserved per SKU (initial = left + sold, sold = units in order lines) and per
 *     location (initial = left + allocated), never below zero: no oversell;
 *   - every order is whole (its totals are its lines), and a per-customer limit holds;
 *   - every node holds the same state.
 */
import { cents, digest, type Snapshot } from "./rig";
import type { Purchase } from "./clients";

export type Outcome = "ok" | "fail" | "unknown";
/** One checkout request as the client saw it, from its first try to its final answer. */
export type Op = { userId: number; key: string; invoke: number; complete?: number; outcome: Outcome; orderId?: string; answer: string };

export const opsOf = (purchases: Purchase[]): Op[] =>
  purchases
    .filter((p) => p.key !== "")
    .map((p) => {
      const ok = p.final !== undefined && (p.final.status === 200 || p.final.status === 201) && p.final.orderId !== undefined;
      return {
        userId: p.buyer.id,
        key: p.key,
        invoke: p.start,
        complete: p.final ? p.end : undefined,
        outcome: ok ? "ok" : p.final ? "fail" : "unknown",
        orderId: p.final?.orderId,
        answer: p.final ? `${p.final.status} ${p.final.code}` : "none",
      };
    });

/** What the race started with: each SKU's units, and each (SKU, location)'s. */
export type Initial = { skus: Map<number, number>; locations: { skuId: number; locationId: number; stock: number }[]; limit?: number };

export type Verdict = { problems: string[]; summary: string };

const sum = (xs: { count: number | string }[]) => xs.reduce((n, x) => n + Number(x.count), 0);

/** Checks the history against each node's snapshot (`nodes` names them in the problems). */
export function checkHistory(ops: Op[], snaps: Snapshot[], nodes: string[], initial: Initial): Verdict {
  const problems: string[] = [];
  const digests = snaps.map(digest);
  if (new Set(digests).size !== 1) problems.push(`nodes differ: ${nodes.map((n, i) => `${n}=${digests[i]}`).join(" ")}`);
  const asked = new Map(ops.map((op) => [`${op.userId}/${op.key}`, op]));
  let committedUnknown = 0;
  snaps.forEach((snap, n) => {
    const at = `node ${nodes[n]}`;
    const byKey = new Map<string, Snapshot["orders"]>();
    for (const o of snap.orders) {
      const k = `${Number(o.userId)}/${o.idempotencyKey.toLowerCase()}`;
      byKey.set(k, [...(byKey.get(k) ?? []), o]);
    }
    const ordersOf = (op: Op) => byKey.get(`${op.userId}/${op.key.toLowerCase()}`) ?? [];
    const count = (what: string, xs: unknown[]) => xs.length && problems.push(`${at}: ${xs.length} ${what}`);

    const acked = ops.filter((op) => op.outcome === "ok");
    count("acknowledged orders missing (lost)", acked.filter((op) => !ordersOf(op).some((o) => o.id === op.orderId)));
    count("acknowledged requests with more than one order (duplicated)", acked.filter((op) => ordersOf(op).length > 1));
    const refusedWithOrder = ops.filter((op) => op.outcome === "fail" && ordersOf(op).length > 0);
    count(`requests told they failed that have an order (${[...new Set(refusedWithOrder.map((op) => op.answer))].join(", ")})`, refusedWithOrder);
    if (n === 0) committedUnknown = ops.filter((op) => op.outcome === "unknown" && ordersOf(op).length > 0).length;
    count("orders no client asked for (phantom)", snap.orders.filter((o) => !asked.has(`${Number(o.userId)}/${o.idempotencyKey.toLowerCase()}`)));
    const carts = snap.orders.map((o) => `${o.userId}/${o.cartRevision}`);
    if (new Set(carts).size !== carts.length) problems.push(`${at}: a cart revision bought twice`);

    for (const [skuId, units] of initial.skus) {
      const sku = snap.skus.find((s) => Number(s.id) === skuId);
      const sold = sum(snap.lines.filter((l) => Number(l.skuId) === skuId));
      if (!sku) problems.push(`${at}: SKU ${skuId} missing`);
      else if (Number(sku.stock) < 0 || Number(sku.sales) > units) problems.push(`${at}: SKU ${skuId} oversold (${sku.sales} sold of ${units}, stock ${sku.stock})`);
      else if (Number(sku.stock) + Number(sku.sales) !== units || Number(sku.sales) !== sold) problems.push(`${at}: SKU ${skuId}: stock ${sku.stock} + sales ${sku.sales} != ${units}, or sales != ${sold} units in lines`);
    }
    for (const { skuId, locationId, stock } of initial.locations) {
      const left = Number(snap.places.find((p) => Number(p.skuId) === skuId && Number(p.locationId) === locationId)?.stock ?? NaN);
      const allocated = sum(snap.allocations.filter((a) => Number(a.skuId) === skuId && Number(a.locationId) === locationId));
      if (!(left >= 0) || left + allocated !== stock) problems.push(`${at}: SKU ${skuId} at location ${locationId}: ${left} left + ${allocated} allocated != ${stock}`);
    }
    for (const o of snap.orders) {
      const lines = snap.lines.filter((l) => l.orderId === o.id);
      const amount = lines.reduce((t, l) => t + cents(l.price) * Number(l.count), 0) + cents(o.freight);
      if (lines.length === 0 || amount !== cents(o.totalAmount) || Number(o.totalCount) !== sum(lines)) problems.push(`${at}: order ${o.id} is not whole`);
    }
    const units = new Map<number, number>();
    for (const o of snap.orders) units.set(Number(o.userId), (units.get(Number(o.userId)) ?? 0) + Number(o.totalCount));
    if (initial.limit !== undefined) count(`shoppers over the limit of ${initial.limit}`, [...units.values()].filter((u) => u > initial.limit!));
  });

  const unknown = ops.filter((op) => op.outcome === "unknown").length;
  const acked = ops.filter((op) => op.outcome === "ok").length;
  const refused = ops.filter((op) => op.outcome === "fail").length;
  const sold = [...initial.skus.keys()].map((id) => Number(snaps[0]?.skus.find((s) => Number(s.id) === id)?.sales ?? NaN));
  const summary =
    problems.length === 0
      ? `holds on ${snaps.length} nodes: ${acked} acknowledged orders present once, ${refused} refusals with no order, ` +
        `${unknown} unknown (${committedUnknown} committed, ${unknown - committedUnknown} not), ${sold.join("+")} sold of ${[...initial.skus.values()].join("+")}, nodes identical`
      : `BROKEN (${problems.length}): ${problems[0]}`;
  return { problems, summary };
}
