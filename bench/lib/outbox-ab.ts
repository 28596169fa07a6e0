import { inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { addresses } from "@/db/schema";
import { TEST_ADDRESS, type Shopper } from "@/tests/support/fixtures";
import type { CpuPerUnit } from "./cpu";

/**
 * What writing the confirmation's outbox row costs a checkout (issue 36: at most 3%), as an A/B
 * in one run: the same cells with the shoppers' addresses carrying an e-mail (each order queues
 * its confirmation) and without one (an order without a snapshot e-mail queues nothing: the
 * row, and only the row, is gone). Hot W=64 runs as one load whose arm flips every second
 * (with, without, without, with, …); the drops run in rounds, arms alternating and swapping places.
 * The verdict is each arm's CPU per order over all its windows or drops (all its CPU over all
 * its orders: /proc's 10 ms ticks and one window's hiccup weigh no more than their share), the
 * arms alternating so that a drift between pairs (InnoDB flushing what earlier writes left, say)
 * falls on both. Each pair's own ratio is printed beside it, as the spread.
 */

export type OutboxArm = "with" | "without";
export type OutboxCell = { round: number; scenario: "hot" | "drop"; arm: OutboxArm; orders: number; ordersPerS: number; cpuMsPerUnit: CpuPerUnit; problems: string[] };

/** Gives the shoppers' addresses their e-mail back, or takes it away. */
export async function setOutboxArm(arm: OutboxArm, shoppers: Shopper[]) {
  const email = arm === "with" ? TEST_ADDRESS.email : "";
  await getDb().update(addresses).set({ email }).where(inArray(addresses.id, shoppers.map((s) => s.addressId)));
}

/** Round r's order of the arms: with first on even rounds, without first on odd ones. */
export const armsOf = (round: number): OutboxArm[] => (round % 2 === 0 ? ["with", "without"] : ["without", "with"]);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

type Arm = { ordersPerS: number; cpu: number; app: number; mariadb: number };
type Summary = { scenario: string; rounds: number; with: Arm; without: Arm; cpuCost: number; medianCpuCost: number; cpuCosts: number[]; rateCost: number };

export function summarizeOutbox(cells: OutboxCell[]): Summary[] {
  return (["hot", "drop"] as const).flatMap((scenario) => {
    const of = (arm: OutboxArm) => cells.filter((c) => c.scenario === scenario && c.arm === arm && c.orders > 0);
    const [w, wo] = [of("with"), of("without")];
    if (w.length === 0 || wo.length === 0) return [];
    // All of an arm's CPU over all of its orders.
    const perOrder = (cs: OutboxCell[], pick: (c: OutboxCell) => number) => cs.reduce((a, c) => a + pick(c) * c.orders, 0) / cs.reduce((a, c) => a + c.orders, 0);
    const arm = (cs: OutboxCell[]): Arm => ({
      ordersPerS: median(cs.map((c) => c.ordersPerS)),
      cpu: perOrder(cs, (c) => c.cpuMsPerUnit.total),
      app: perOrder(cs, (c) => c.cpuMsPerUnit.app ?? 0),
      mariadb: perOrder(cs, (c) => c.cpuMsPerUnit.mariadb ?? 0),
    });
    // Each round's two arms ran back to back: their ratio cancels the drift between rounds.
    const rounds = [...new Set(w.map((c) => c.round))].filter((r) => wo.some((c) => c.round === r));
    const paired = (f: (c: OutboxCell) => number) => rounds.map((r) => f(w.find((c) => c.round === r)!) / f(wo.find((c) => c.round === r)!));
    const cpuRatios = paired((c) => c.cpuMsPerUnit.total);
    const rateRatios = paired((c) => c.ordersPerS);
    const [armW, armWo] = [arm(w), arm(wo)];
    return [{ scenario, rounds: rounds.length, with: armW, without: armWo, cpuCost: armW.cpu / armWo.cpu - 1, medianCpuCost: median(cpuRatios) - 1, cpuCosts: cpuRatios.map((x) => x - 1), rateCost: 1 - median(rateRatios) }];
  });
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** Each pair's figure, or their range and quartiles when there are many. */
const spread = (xs: number[]) => {
  if (xs.length <= 8) return xs.map(pct).join(", ");
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `${s.length} pairs: ${pct(s[0]!)} … ${pct(s.at(-1)!)}, quartiles ${pct(q(0.25))} / ${pct(q(0.75))}`;
};

export function outboxMarkdown(cells: OutboxCell[]): string {
  const summary = summarizeOutbox(cells);
  if (summary.length === 0) return "";
  const out = [
    "### The confirmation's outbox row: A/B (service mode, batched; hot: one-second windows, the arm flipping; drops: rounds of 4; CPU per order: all of an arm's CPU over all its orders; orders/s: medians; rate cost: median of each pair's ratio)",
    "",
    "| scenario | pairs | with: orders/s | without: orders/s | with: CPU ms/order (app / MariaDB / total) | without: CPU ms/order (app / MariaDB / total) | CPU cost of the row | median of each pair's | each pair's | rate cost of the row |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ...summary.map(
      (s) =>
        `| ${s.scenario} | ${s.rounds} | ${s.with.ordersPerS.toFixed(0)} | ${s.without.ordersPerS.toFixed(0)} | ${s.with.app.toFixed(3)} / ${s.with.mariadb.toFixed(3)} / ${s.with.cpu.toFixed(3)} | ${s.without.app.toFixed(3)} / ${s.without.mariadb.toFixed(3)} / ${s.without.cpu.toFixed(3)} | ${pct(s.cpuCost)} | ${pct(s.medianCpuCost)} | ${spread(s.cpuCosts)} | ${pct(s.rateCost)} |`,
    ),
    "",
    ...summary.map((s) => `- ${s.cpuCost <= 0.03 ? "met" : "MISSED"}: the outbox row costs the ${s.scenario} checkout ${pct(s.cpuCost)} of its CPU per order (target <= 3%); orders/s ${pct(s.rateCost)} lower with it`),
    "",
  ];
  return out.join("\n");
}
