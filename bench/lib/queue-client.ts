/**
 * One load-generating process of the waiting-room simulation (bench/queue-drop.ts):
 * `tsx bench/lib/queue-client.ts <plan.json> <report.json> [measure-owner-difficulty]`.
 * Every shopper is a small state record driven by two timers, not a promise loop of its own:
 * a dispatcher that starts arrivals when their millisecond comes, and a wheel of 10 ms slots that
 * fires each waiting shopper's next status poll `pollMs` after its last answer, as the page's
 * timer would. Requests go through a few keep-alive sockets to the front (./queue-wire.ts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createChallenge, solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import type { Actor, ActorResult, ClientReport, Final, Plan } from "./queue-plan";
import { WirePool, type WireResponse } from "./queue-wire";

const [planFile, reportFile, measure] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile!, "utf8")) as Plan;
// Status polls on sockets of their own: a poll never waits behind a slow checkout (each browser has its own connection).
const statusPool = new WirePool(new URL(plan.front), 512);
const pool = new WirePool(new URL(plan.front), 256);
const base = `/api/drops/${plan.skuId}`;

const sent: Record<string, number> = {};
const statusCache: Record<string, number> = {};
const statusPerSecond: Record<string, number> = {};
const staleness = { maxMs: 0, samples: 0, sumMs: 0 };
let maxBacklog = 0;
const latency: Record<string, number[]> = {};

function send(kind: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<WireResponse> {
  sent[kind] = (sent[kind] ?? 0) + 1;
  const h = body === undefined ? headers : { ...headers, "Content-Type": "application/json" };
  const via = kind === "status" ? statusPool : pool;
  const p = via.request(method, path, h, body === undefined ? undefined : JSON.stringify(body));
  maxBacklog = Math.max(maxBacklog, via.backlog);
  return p.then((r) => {
    // Time from the socket to the answer; a status poll counts as the app's only when the front asked it.
    const key = kind === "status" ? (r.cache === "HIT" ? "status HIT" : `status ${r.cache || "none"}`) : kind;
    (latency[key] ??= []).push(Date.now() - r.sentAt);
    return r;
  });
}

const answer = (r: WireResponse) => {
  if (r.status < 400) return String(r.status);
  try {
    return `${r.status} ${(JSON.parse(r.body) as { error?: { code?: string } }).error?.code ?? ""}`.trim();
  } catch {
    return String(r.status);
  }
};

type Shopper = { actor: Actor; result: ActorResult; /** ms after each second the shopper polls (aligned polling) */ phase: number; /** asking `me` or checking out */ busy: boolean };

const results: ActorResult[] = [];
const newResult = (a: Actor): ActorResult => ({
  userId: a.userId,
  kind: a.kind,
  variant: a.variant,
  joinSentAt: null,
  join: null,
  ticket: null,
  prequeued: false,
  admittedAt: null,
  checkouts: [],
  passCheckoutsAt: [],
  final: null,
  finalAt: null,
  finalVia: null,
  errors: [],
});

function finish(s: Shopper, final: Final, via: string, at = Date.now()) {
  if (s.result.final) return;
  s.result.final = final;
  s.result.finalAt = at;
  s.result.finalVia = via;
}

const failed = (s: Shopper) => (e: unknown) => {
  s.result.errors.push(String(e));
  if (s.result.errors.length > 5) finish(s, "gaveup", "errors");
};

// ---- the proof-of-work ---------------------------------------------------------------------

const payloadOf = (challenge: Challenge, solution: { counter: number; derivedKey: string }) => Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");

async function challengeFor(s: Shopper): Promise<Challenge | null> {
  const r = await send("challenge", "GET", `${base}/challenge`, { Cookie: s.actor.cookie });
  if (r.status !== 200) {
    s.result.join = answer(r);
    if (r.status === 410) finish(s, "soldout", "challenge");
    else finish(s, "refused", "challenge");
    return null;
  }
  return JSON.parse(r.body) as Challenge;
}

async function solved(s: Shopper): Promise<string | null> {
  const challenge = await challengeFor(s);
  if (!challenge) return null;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("could not solve the challenge");

  return payloadOf(challenge, solution);
}

/** Solutions honest bots have spent, for the replay bots. */
const spent: string[] = [];

// ---- joining, polling, checking out ---------------------------------------------------------

const wheel = new Map<number, Shopper[]>();
const SLOT_MS = 10;
/** The first slot the ticker has not fired yet. */
let unfired = Math.floor(Date.now() / SLOT_MS);

function schedulePoll(s: Shopper, at: number) {
  if (s.result.final) return;
  // A moment inside a slot already fired (an answer that came back just before the shopper's
  // next moment) goes in the next slot to fire: put in its own, the shopper would never poll again.
  const slot = Math.max(Math.floor(at / SLOT_MS), unfired);
  const list = wheel.get(slot);
  if (list) list.push(s);
  else wheel.set(slot, [s]);
}

async function join(s: Shopper, payload: unknown): Promise<boolean> {
  const r = await send("join", "POST", `${base}/queue`, { Cookie: s.actor.cookie }, payload);
  s.result.joinSentAt = r.sentAt;
  s.result.join = answer(r);
  if (r.status === 201 || r.status === 409) {
    const body = JSON.parse(r.body) as { ticket?: number | null; state?: string; error?: { details?: { ticket: number | null; state: string } } };
    const place = r.status === 201 ? body : body.error?.details;
    s.result.ticket = place?.ticket ?? null;
    s.result.prequeued = place?.state === "prequeue";
    return r.status === 201;
  }
  if (r.status === 410) finish(s, "soldout", "join");
  else if (s.actor.kind === "person") finish(s, "refused", "join");
  return false;
}

async function arrivePerson(s: Shopper) {
  const payload = await solved(s);
  if (!payload) return;
  if (!(await join(s, { challengeSolution: payload }))) return;
  const now = Date.now();
  schedulePoll(s, plan.pollPhase === "random" ? now + Math.random() * plan.pollMs : nextPoll(s, now));
}

/**
 * When the page asks the status next. `random`: pollMs after the last answer. `aligned`: once
 * per pollMs, `phase` ms after the server's clock turns a second, when the front's entry for
 * that second is new (scripts/front: one entry per second), so the answer is at most `phase`
 * old and a sell-out reaches everyone within a second and a phase.
 */
function nextPoll(s: Shopper, now: number): number {
  if (plan.pollPhase === "random") return now + plan.pollMs;
  const period = plan.pollMs;
  return Math.floor((now - s.phase) / period) * period + period + s.phase;
}

async function checkout(s: Shopper, pass: string | null, via: string): Promise<void> {
  const withPass = pass !== null && s.actor.kind !== "checkout";
  const headers: Record<string, string> = { Cookie: s.actor.cookie, "Idempotency-Key": randomUUID() };
  if (pass) headers["X-Queue-Pass"] = pass;
  const r = await send(withPass ? "checkout" : "botCheckout", "POST", "/api/orders", headers, { addressId: s.actor.addressId, payMethod: "cod" });
  if (withPass) s.result.passCheckoutsAt.push(r.sentAt);
  const a = answer(r);
  s.result.checkouts.push(a);
  if (r.status === 201) finish(s, "bought", via);
  else if (a === "409 OUT_OF_STOCK") finish(s, "soldout", via);
}

type Me = { state: string; ticket: number | null; pass?: string };

async function askMe(s: Shopper): Promise<Me> {
  const r = await send(s.actor.kind === "person" ? "me" : "botMe", "GET", `${base}/queue/me`, { Cookie: s.actor.cookie });
  if (r.status !== 200) throw new Error(`me answered ${answer(r)}`);
  return JSON.parse(r.body) as Me;
}

/** What the page does with `me`'s answer: the pass buys at once; closed is the final answer. */
async function actOnMe(s: Shopper, me: Me): Promise<void> {
  if (me.ticket !== null) s.result.ticket = me.ticket;
  if (me.state === "admitted" && me.pass) {
    s.result.admittedAt ??= Date.now();
    await checkout(s, me.pass, "checkout");
    if (!s.result.final && s.result.checkouts.at(-1) !== "201") {
      // Refused for a reason that is not the sell-out (busy, say): the page shows it and the shopper tries again.
      await checkout(s, me.pass, "checkout");
    }
  } else if (me.state === "closed") finish(s, "soldout", "me");
  else if (me.state === "used" || me.state === "expired" || me.state === "none") finish(s, "refused", `me:${me.state}`);
}

type Status = { state: string; serving: number; serverTime: string };

async function poll(s: Shopper) {
  if (s.result.final) return;
  const at = Date.now();
  statusPerSecond[Math.floor((at - plan.launchAt) / 1000)] = (statusPerSecond[Math.floor((at - plan.launchAt) / 1000)] ?? 0) + 1;
  const r = await send("status", "GET", `${base}/queue/status`, {});
  const now = Date.now();
  statusCache[r.cache || "none"] = (statusCache[r.cache || "none"] ?? 0) + 1;
  if (r.status !== 200) {
    // The page shows "reconnecting" and asks again at its next moment.
    s.result.errors.push(`status answered ${answer(r)}`);
    if (now < plan.stopAt) schedulePoll(s, nextPoll(s, now));
    return;
  }
  const st = JSON.parse(r.body) as Status;
  const stale = now - Date.parse(st.serverTime);
  staleness.maxMs = Math.max(staleness.maxMs, stale);
  staleness.samples++;
  staleness.sumMs += stale;
  if (st.state === "closed") return finish(s, "soldout", "status", now);
  if (now < plan.stopAt) schedulePoll(s, nextPoll(s, now));
  else return finish(s, "gaveup", "deadline");
  if (s.busy || !(st.state === "open" && (s.result.ticket === null || st.serving >= s.result.ticket))) return;
  s.busy = true;
  try {
    await actOnMe(s, await askMe(s));
  } finally {
    s.busy = false;
  }
}

// ---- the bots -------------------------------------------------------------------------------

const atLaunch = (fn: () => Promise<void>) =>
  new Promise<void>((resolve) => {
    setTimeout(() => fn().then(resolve, resolve), Math.max(0, plan.launchAt - Date.now()));
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pass that looks right and is signed with nothing: this account, this SKU, ticket 1. */
const forgedPass = (s: Shopper) => `${s.actor.userId}.${plan.skuId}.1.${plan.launchAt + 600_000}.${randomBytes(32).toString("base64url")}`;

/** Posts checkouts from the launch millisecond, `tries` of them 250 ms apart, as a script pressing the button would. */
async function hammerCheckout(s: Shopper, tries: number, pass: () => string | null) {
  await atLaunch(async () => {
    for (let i = 0; i < tries && !s.result.final; i++) {
      if (i > 0) await sleep(250);
      await checkout(s, pass(), "checkout").catch(failed(s));
    }
  });
}

async function runBot(s: Shopper) {
  const { kind, variant } = s.actor;
  if (kind === "checkout") return hammerCheckout(s, 4, () => (variant === "forged" ? forgedPass(s) : null));
  if (kind === "nopow" || kind === "replay") {
    let payload: unknown;
    if (kind === "replay") payload = spent[s.actor.userId % Math.max(1, spent.length)] ?? "";
    else if (variant === "empty") payload = "";
    else {
      const challenge = await challengeFor(s);
      payload = challenge ? payloadOf(challenge, { counter: Math.floor(Math.random() * 4), derivedKey: randomBytes(32).toString("hex") }) : "";
    }
    await join(s, { challengeSolution: payload }).catch(failed(s));
    // Refused at the door: it tries the checkout anyway, once, at the launch.
    return hammerCheckout(s, 1, () => null);
  }
  // honest: a real solution, then `me` four times a second until it is let in or the line closes.
  const payload = await solved(s);
  if (!payload) return;
  const joined = await join(s, { challengeSolution: payload });
  spent.push(payload);
  if (!joined) return;
  while (!s.result.final && Date.now() < plan.stopAt) {
    if (Date.now() >= plan.launchAt) await actOnMe(s, await askMe(s)).catch(failed(s));
    await sleep(250);
  }
}

// ---- the run --------------------------------------------------------------------------------

async function main() {
  const shoppers: Shopper[] = plan.actors.map((actor) => ({ actor, result: newResult(actor), phase: 20 + Math.floor(Math.random() * 600), busy: false }));
  results.push(...shoppers.map((s) => s.result));
  const arrivals = [...shoppers].sort((a, b) => a.actor.at - b.actor.at);
  const running: Promise<void>[] = [];
  let next = 0;
  // The replay bots wait for a spent solution: they arrive after the honest bots of the prequeue.
  const dispatcher = setInterval(() => {
    const now = Date.now();
    while (next < arrivals.length && arrivals[next]!.actor.at <= now) {
      const s = arrivals[next++]!;
      running.push((s.actor.kind === "person" ? arrivePerson(s) : runBot(s)).catch(failed(s)));
    }
  }, 2);
  unfired = Math.floor(Date.now() / SLOT_MS);
  const ticker = setInterval(() => {
    const slot = Math.floor(Date.now() / SLOT_MS);
    for (let t = unfired; t <= slot; t++) {
      const due = wheel.get(t);
      if (!due) continue;
      wheel.delete(t);
      for (const s of due) poll(s).catch(failed(s));
    }
    unfired = slot + 1;
  }, SLOT_MS);

  while (Date.now() < plan.stopAt && (next < arrivals.length || shoppers.some((s) => s.actor.kind === "person" && !s.result.final))) await sleep(100);
  clearInterval(dispatcher);
  clearInterval(ticker);
  await Promise.race([Promise.allSettled(running), sleep(5_000)]);
  for (const s of shoppers) if (s.actor.kind === "person" && !s.result.final) finish(s, "gaveup", "deadline");

  let solveAtOwnerDifficultyMs: number | null = null;
  if (measure) {
    // What one place in line costs at the owner's default difficulty (500), solved here as a script would.
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await createChallenge({ algorithm: "PBKDF2/SHA-256", cost: 1_000, counter: 250 + Math.floor(Math.random() * 251), deriveKey });
      const t0 = performance.now();
      await solveChallenge({ challenge: c, deriveKey });
      times.push(performance.now() - t0);
    }
    solveAtOwnerDifficultyMs = Math.round(times.reduce((a, b) => a + b, 0) / times.length);
  }
  const usage = process.cpuUsage();
  const report: ClientReport = { results, sent, latency, statusCache, statusPerSecond, staleness, maxBacklog, solveAtOwnerDifficultyMs, cpuSeconds: (usage.user + usage.system) / 1e6 };
  writeFileSync(reportFile!, JSON.stringify(report));
  pool.close();
  statusPool.close();
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
