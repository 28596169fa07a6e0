/** What bench/queue-drop.ts hands each load-generating process (bench/lib/queue-client.ts), and what it hands back. */

/**
 * person: arrives, solves the challenge, joins, polls the line's status like the page, asks `me`
 * when its number is served (or to learn it after the launch's shuffle), checks out with the pass.
 * Bots: `checkout` posts POST /api/orders at the launch millisecond without a pass (`none`) or with
 * a forged one (`forged`); `nopow` joins with no solution (`empty`) or a made-up one (`forged`),
 * `replay` with a solution another account already spent; all three then post a checkout at the
 * launch. `honest` solves the real challenge (before the launch or at its millisecond), then asks
 * `me` four times a second, not the cached status, and checks out the moment it is let in.
 */
export type ActorKind = "person" | "checkout" | "nopow" | "replay" | "honest";

export type Actor = { kind: ActorKind; variant: string; userId: number; cookie: string; addressId: number; /** epoch ms it arrives */ at: number };

export type Plan = { front: string; skuId: number; launchAt: number; pollMs: number; pollPhase: "aligned" | "random"; /** epoch ms after which nobody waits any more */ stopAt: number; actors: Actor[] };

export type Final = "bought" | "soldout" | "refused" | "gaveup";

export type ActorResult = {
  userId: number;
  kind: ActorKind;
  variant: string;
  /** epoch ms the join was sent (the shopper's arrival in line) */
  joinSentAt: number | null;
  /** the join's answer: 201, or "<status> <code>" */
  join: string | null;
  ticket: number | null;
  prequeued: boolean;
  /** epoch ms `me` first answered admitted */
  admittedAt: number | null;
  /** every checkout's answer, "<status>[ <code>]" */
  checkouts: string[];
  /** epoch ms each pass checkout was sent */
  passCheckoutsAt: number[];
  final: Final | null;
  finalAt: number | null;
  /** how the final answer came: the status poll, `me`, the checkout or the join */
  finalVia: string | null;
  errors: string[];
};

export type ClientReport = {
  results: ActorResult[];
  /** requests this process sent, by kind (what the front received) */
  sent: Record<string, number>;
  /** ms from the socket to the answer, by request kind (status polls by the front's cache answer) */
  latency: Record<string, number[]>;
  /** the front's X-Front-Cache answers to status polls */
  statusCache: Record<string, number>;
  /** status polls sent per second since the launch (index 0: the launch's second; negative seconds before it in `statusBefore`) */
  statusPerSecond: Record<string, number>;
  /** epoch ms and serverTime of status answers, sampled: how stale the cached answer was */
  staleness: { maxMs: number; samples: number; sumMs: number };
  /** the largest backlog of requests waiting for a socket in this process */
  maxBacklog: number;
  /** one proof-of-work solved at the owner's default difficulty (500), ms */
  solveAtOwnerDifficultyMs: number | null;
  cpuSeconds: number;
};
