import type { queueOpts } from "./queue-env";
import { kendallTau, prequeueShare } from "./queue-fairness";
import type { ActorResult, ClientReport } from "./queue-plan";
import { percentile } from "./stats";

/** One scrape of the app's counters (GET /api/metrics, every worker summed). */
export type MetricSample = {
  at: number;
  status: number;
  me: number;
  join: number;
  challenge: number;
  orders: number;
  outcomes: Record<string, number>;
  /** the app's own time per route (request duration's count and sum), the drop's and the checkout's routes */
  seconds: Record<string, { count: number; sum: number }>;
  cpuSeconds: number;
};

type Inputs = {
  opts: typeof queueOpts;
  launchAt: number;
  /** Redis's closedAt: the instant the line closed, right after the last unit sold */
  closedAt: number | null;
  stockLeft: number;
  sales: number;
  /** units per customer, from MariaDB's orders */
  bought: { userId: number; units: number }[];
  reports: ClientReport[];
  samples: MetricSample[];
  /** status requests in the front's access log */
  frontStatusLines: number;
};

export type Target = { name: string; target: string; measured: string; met: boolean };

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const merge = (rs: Record<string, number>[]) => rs.reduce<Record<string, number>>((acc, r) => {
  for (const [k, v] of Object.entries(r)) acc[k] = (acc[k] ?? 0) + v;
  return acc;
}, {});

/** The largest number of timestamps inside any window of `ms` (a sliding window, not fixed bins). */
function peakInWindow(times: number[], ms: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** A counter's largest increase over any ~1 s between scrapes 0.5 s apart, per second. */
function peakRate(samples: MetricSample[], pick: (s: MetricSample) => number, from: number, to: number): number {
  let best = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = samples[i]!;
    if (a.at < from || a.at > to) continue;
    const b = samples.find((s) => s.at - a.at >= 950);
    if (!b) continue;
    best = Math.max(best, (pick(b) - pick(a)) / ((b.at - a.at) / 1000));
  }
  return best;
}

export function queueFigures(input: Inputs) {
  const { opts, launchAt, reports, samples, bought } = input;
  const results: ActorResult[] = reports.flatMap((r) => r.results);
  const byUser = new Map(results.map((r) => [r.userId, r]));
  const unitsOf = new Map(bought.map((b) => [b.userId, b.units]));
  const units = (rs: ActorResult[]) => sum(rs.map((r) => unitsOf.get(r.userId) ?? 0));
  const persons = results.filter((r) => r.kind === "person");
  const honest = results.filter((r) => r.kind === "honest");
  const cheats = results.filter((r) => r.kind === "checkout" || r.kind === "nopow" || r.kind === "replay");

  // ---- what sold (MariaDB) ---------------------------------------------------------------------
  const sold = sum(bought.map((b) => b.units));
  const overLimit = bought.filter((b) => b.units > 1).length;
  const ledgerOk = input.stockLeft === opts.stock - sold && input.sales === sold && input.stockLeft >= 0;
  const unknownBuyers = bought.filter((b) => !byUser.has(b.userId)).length;

  // ---- bots ------------------------------------------------------------------------------------
  const answers = (rs: ActorResult[]) => merge(rs.map((r) => Object.fromEntries([...(r.join ? [[`join ${r.join}`, 1]] : []), ...Object.entries(merge(r.checkouts.map((c) => ({ [`checkout ${c}`]: 1 }))))])));
  const cheatsBySort = Object.fromEntries(["checkout", "nopow", "replay"].map((k) => [k, answers(cheats.filter((r) => r.kind === k))]));
  const cheatJoins = cheats.filter((r) => r.join === "201").length;

  // A person arriving at the same time as an honest bot: in the prequeue, the shuffle gives every
  // member the same chance at what the prequeue bought; after the launch, arrival order decides.
  const inPrequeue = results.filter((r) => r.prequeued);
  const honestPre = honest.filter((r) => r.prequeued);
  const pre = prequeueShare(honestPre.length, inPrequeue.length, units(inPrequeue), units(honestPre));
  const afterJoiners = results.filter((r) => !r.prequeued && r.ticket !== null && r.joinSentAt !== null).sort((a, b) => a.joinSentAt! - b.joinSentAt!);
  const afterSold = units(afterJoiners);
  const honestAfter = honest.filter((r) => !r.prequeued && r.ticket !== null);
  const fairAfter = afterJoiners.slice(0, afterSold).filter((r) => r.kind === "honest").length;
  const honestUnits = units(honest);
  const honestFair = pre.expected + fairAfter;

  // ---- fairness: arrival after the launch vs the line's order (tickets are admitted in order) ---
  const tau = kendallTau(
    afterJoiners.map((r) => r.joinSentAt!),
    afterJoiners.map((r) => r.ticket!),
  );
  // Admission as shoppers saw it: of those let in, in ticket order?
  const admitted = results.filter((r) => r.admittedAt !== null && r.ticket !== null && !r.prequeued && r.joinSentAt !== null);
  const tauAdmittedSeen = admitted.length >= 2 ? kendallTau(admitted.map((r) => r.joinSentAt!), admitted.map((r) => r.admittedAt!)) : NaN;

  // ---- the checkout's rate ------------------------------------------------------------------------
  const soldOutAt = input.closedAt ?? Math.max(...results.filter((r) => r.final === "bought").map((r) => r.finalAt!));
  const passCheckouts = results.flatMap((r) => r.passCheckoutsAt);
  const inDrop = passCheckouts.filter((t) => t <= soldOutAt);
  const firstPass = Math.min(...inDrop);
  const dropS = (soldOutAt - firstPass) / 1000;
  const checkoutRate = inDrop.length / Math.max(dropS, 1e-3);
  const checkoutPeak1s = peakInWindow(inDrop, 1000);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const outcomesAtApp = Object.fromEntries(Object.entries(last.outcomes).map(([k, v]) => [k, v - (first.outcomes[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
  const refusedAtDoor = (outcomesAtApp.QUEUE_REQUIRED ?? 0) + (outcomesAtApp.QUEUE_PASS_INVALID ?? 0);
  const appCheckouts = sum(Object.values(outcomesAtApp) as number[]);
  const perSecond = Array.from({ length: Math.ceil((soldOutAt - launchAt) / 1000) }, (_, s) => inDrop.filter((t) => t >= launchAt + s * 1000 && t < launchAt + (s + 1) * 1000).length);

  // ---- the pollers ---------------------------------------------------------------------------------
  const joinedPersons = persons.filter((r) => r.join === "201");
  const pollFrom = Math.min(...joinedPersons.map((r) => r.joinSentAt!));
  const pollTo = Math.max(...joinedPersons.map((r) => r.finalAt ?? 0));
  const pollS = (pollTo - pollFrom) / 1000;
  const statusAtApp = last.status - first.status;
  const statusAtFront = sum(reports.map((r) => r.sent.status ?? 0));
  const statusPerSecondFront = merge(reports.map((r) => r.statusPerSecond));
  const sent = merge(reports.map((r) => r.sent));
  const appStatusRate = statusAtApp / pollS;
  const appStatusPeak = peakRate(samples, (s) => s.status, pollFrom, pollTo);
  const staleMax = Math.max(...reports.map((r) => r.staleness.maxMs));
  const staleMean = sum(reports.map((r) => r.staleness.sumMs)) / Math.max(1, sum(reports.map((r) => r.staleness.samples)));

  // ---- sell-out to every waiting shopper's final answer ----------------------------------------------
  const waitingAtSellOut = joinedPersons.filter((r) => !(r.final === "bought" && r.finalAt! <= soldOutAt));
  const toFinal = waitingAtSellOut.map((r) => (r.final && r.final !== "gaveup" ? r.finalAt! - soldOutAt : Infinity)).sort((a, b) => a - b);
  const unanswered = toFinal.filter((x) => x === Infinity).length;
  const finalMax = Math.max(...toFinal);
  const finals = merge(persons.map((r) => ({ [`${r.final ?? "none"} via ${r.finalVia ?? "-"}`]: 1 })));
  const errors = results.flatMap((r) => r.errors.map((e) => `${r.kind}/${r.variant}: ${e}`));

  const targets: Target[] = [
    { name: "units sold", target: `exactly ${opts.stock}, none oversold, none over the limit of 1`, measured: `${sold} sold, stock left ${input.stockLeft}, ledger ${ledgerOk ? "consistent" : "INCONSISTENT"}, ${overLimit} customers over the limit`, met: sold === opts.stock && ledgerOk && overLimit === 0 && unknownBuyers === 0 },
    { name: "bots without a valid proof-of-work", target: "buy 0 units", measured: `${units(cheats)} units (${cheats.length} bots, ${cheatJoins} got into the line)`, met: units(cheats) === 0 && cheatJoins === 0 },
    {
      name: "honest-solving bots",
      target: "no more than a person arriving at the same time",
      measured: `${honestUnits} units (fair share ${round(honestFair)}): prequeue ${units(honestPre)} of ${units(inPrequeue)} sold there to ${honestPre.length} bots among ${inPrequeue.length} (expected ${round(pre.expected)}, P(≥ that) = ${round(pre.pAtLeast, 3)}); after the launch ${units(honestAfter)} (fair ${fairAfter})`,
      met: units(honestAfter) <= fairAfter && pre.pAtLeast >= 0.01,
    },
    { name: "Kendall's tau, arrival after the launch vs the line's order", target: "≥ 0.95", measured: `${round(tau, 4)} over ${afterJoiners.length} shoppers and bots`, met: tau >= 0.95 },
    { name: "checkouts with a pass at the app during the drop", target: `≤ ${round(opts.admitPerSecond * 1.1)}/s (admitPerSecond ${opts.admitPerSecond} + 10%)`, measured: `${round(checkoutRate)}/s (${inDrop.length} in ${round(dropS)} s, from the first to the sell-out); busiest 1 s window ${checkoutPeak1s}`, met: checkoutRate <= opts.admitPerSecond * 1.1 },
    { name: "app requests caused by the pollers' status polls", target: "≤ 2/s", measured: `${round(appStatusRate)}/s (${statusAtApp} at the app of ${statusAtFront} polls at the front, ${round(pollS, 1)} s); busiest second ${round(appStatusPeak)}/s`, met: appStatusRate <= 2 },
    { name: "sell-out to every waiting shopper's final answer", target: "≤ 2 s", measured: `${unanswered > 0 ? `${unanswered} never answered; ` : ""}max ${Number.isFinite(finalMax) ? round(finalMax / 1000) : "∞"} s, p99 ${round(percentile(toFinal.filter(Number.isFinite), 99) / 1000)} s, p50 ${round(percentile(toFinal.filter(Number.isFinite), 50) / 1000)} s over ${waitingAtSellOut.length} waiting shoppers`, met: unanswered === 0 && finalMax <= 2000 },
  ];

  return {
    targets,
    sold,
    stockLeft: input.stockLeft,
    overLimit,
    units: { persons: units(persons), honest: honestUnits, cheats: units(cheats) },
    honest: { prequeue: { bots: honestPre.length, members: inPrequeue.length, soldThere: units(inPrequeue), got: units(honestPre), ...pre }, after: { bots: honestAfter.length, soldThere: afterSold, got: units(honestAfter), fair: fairAfter }, fairShare: honestFair },
    cheats: cheatsBySort,
    tau,
    tauAdmittedSeen,
    checkouts: { rate: checkoutRate, peak1s: checkoutPeak1s, inDrop: inDrop.length, dropSeconds: dropS, perSecondSinceLaunch: perSecond, atApp: outcomesAtApp, appCheckouts, refusedAtDoor, sellOutAfterLaunchS: (soldOutAt - launchAt) / 1000, closed: input.closedAt !== null },
    pollers: { statusAtApp, statusAtFront, frontAccessLogLines: input.frontStatusLines, appStatusRate, appStatusPeak, pollSeconds: pollS, frontPerSecondSinceLaunch: statusPerSecondFront, cache: merge(reports.map((r) => r.statusCache)), staleMaxMs: staleMax, staleMeanMs: staleMean, sent },
    finalAnswers: { waiting: waitingAtSellOut.length, maxMs: finalMax, unanswered, finals },
    appCpuSeconds: last.cpuSeconds - first.cpuSeconds,
    clientCpuSeconds: sum(reports.map((r) => r.cpuSeconds)),
    latency: Object.fromEntries(
      Object.entries(reports.reduce<Record<string, number[]>>((acc, r) => {
        for (const [k, v] of Object.entries(r.latency)) (acc[k] ??= []).push(...v);
        return acc;
      }, {})).map(([k, v]) => {
        const sorted = v.sort((a, b) => a - b);
        return [k, { n: v.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) }];
      }),
    ),
    appMeanMs: Object.fromEntries(
      Object.entries(last.seconds).flatMap(([k, v]): [string, { n: number; meanMs: number }][] => {
        const n = v.count - (first.seconds[k]?.count ?? 0);
        return n > 0 ? [[k, { n, meanMs: round(((v.sum - (first.seconds[k]?.sum ?? 0)) / n) * 1000, 1) }]] : [];
      }),
    ),
    clientMaxBacklog: Math.max(...reports.map((r) => r.maxBacklog)),
    solveAtOwnerDifficultyMs: reports.find((r) => r.solveAtOwnerDifficultyMs !== null)?.solveAtOwnerDifficultyMs ?? null,
    errors: { count: errors.length, first: errors.slice(0, 10) },
  };
}

export type QueueFigures = ReturnType<typeof queueFigures>;

export function queueMarkdown(f: QueueFigures, meta: { command: string; machine: { cpus: number; cpuModel: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[]; node: string }; at: string }): string {
  const rows = f.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? "met" : "**MISSED**"} |`);
  const c = f.checkouts;
  const p = f.pollers;
  return `# A fair drop through the waiting room (${meta.at})

\`${meta.command}\` · ${meta.machine.cpus} × ${meta.machine.cpuModel}, Node ${meta.machine.node}, load average ${meta.machine.loadAverageAtStart.join(" / ")} at the start, ${meta.machine.loadAverageAtEnd.join(" / ")} at the end (the machine is shared).

| target | wanted | measured | |
|---|---|---|---|
${rows.join("\n")}

- ${c.closed ? `Sold out ${round(c.sellOutAfterLaunchS)} s after the launch` : `Did not sell out before the run's deadline (the last sale ${round(c.sellOutAfterLaunchS)} s after the launch)`}. Units: persons ${f.units.persons}, honest-solving bots ${f.units.honest}, bots without a valid proof-of-work ${f.units.cheats}.
- Checkouts the app answered during the whole run, by outcome: ${Object.entries(c.atApp).map(([k, v]) => `${k} ${v}`).join(", ")} (${c.refusedAtDoor} refused for a missing or forged pass before any stock was read). Pass checkouts per second since the launch: ${c.perSecondSinceLaunch.join(", ")}.
- Bots' answers: ${Object.entries(f.cheats).map(([k, v]) => `${k}: ${Object.entries(v).map(([a, n]) => `${a} ×${n}`).join(", ")}`).join("; ")}.
- Status polls: ${p.statusAtFront} at the front (access log: ${p.frontAccessLogLines}), ${p.statusAtApp} at the app; the front's answers ${Object.entries(p.cache).map(([k, v]) => `${k} ${v}`).join(", ")}; the answer's age when it arrived: mean ${round(p.staleMeanMs, 0)} ms, max ${p.staleMaxMs} ms. Every request the shoppers and bots sent: ${Object.entries(p.sent).map(([k, v]) => `${k} ${v}`).join(", ")}.
- Kendall's tau between arrival and the moment \`me\` first said "admitted", for the ${"after-launch"} arrivals let in: ${Number.isNaN(f.tauAdmittedSeen) ? "none let in" : round(f.tauAdmittedSeen, 3)} (polling once a second blurs it; the line itself admits strictly by ticket).
- Final answers of the persons: ${Object.entries(f.finalAnswers.finals).map(([k, v]) => `${k} ${v}`).join(", ")}.
- Latency at the client, ms (p50 / p99 / max): ${Object.entries(f.latency).map(([k, v]) => `${k} ${v.p50} / ${v.p99} / ${v.max}`).join(", ")}.
- At the app, mean time per route (its own measure, ms): ${Object.entries(f.appMeanMs).map(([k, v]) => `${k} ${v.meanMs} (n ${v.n})`).join(", ")}.
- CPU: the app's workers ${round(f.appCpuSeconds, 1)} s, the load generators ${round(f.clientCpuSeconds, 1)} s (largest socket backlog ${f.clientMaxBacklog}). One solve at the owner's default difficulty (500) took ${f.solveAtOwnerDifficultyMs ?? "–"} ms in Node here.
${f.errors.count > 0 ? `- Client errors: ${f.errors.count}, first: ${f.errors.first.join(" | ")}\n` : ""}`;
}
