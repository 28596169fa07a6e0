import "server-only";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { clearFailures, readFailures, recordFailure, throttleKey, type Failures } from "@/lib/platform/rate-limit";

/**
 * Failed logins are counted twice, as OWASP's authentication guidance suggests: per (address,
 * username), so one address cannot lock other people's accounts out (an office, a campus or a
 * carrier's NAT shares one), and per username across addresses, so one account cannot be
 * hammered from many. Past its free attempts each counter makes the next attempt wait, twice as
 * long after every further failure; spraying many usernames from one address is the front's
 * per-address POST limit's job (scripts/front/nginx.conf.template).
 */
export const LOGIN_FREE_FAILURES = { pair: 5, username: 10 } as const;
/** The first wait past the free attempts, doubled per further failure, and its ceiling. */
const FIRST_WAIT_SECONDS = { pair: 1, username: 30 } as const;
export const LOGIN_MAX_WAIT_SECONDS = 15 * 60;
/** A counter is forgotten this long after its last failure. */
const LOGIN_WINDOW_SECONDS = 15 * 60;

const name = (username: string) => username.trim().toLowerCase().replace(/[{}]/g, "_");
const userKey = (username: string) => throttleKey(`login:u:${name(username)}`);
const pairKey = (username: string, ip: string) => throttleKey(`login:p:${ip}:${name(username)}`);

type Counter = keyof typeof LOGIN_FREE_FAILURES;

/** Seconds until the next attempt may be made, given a counter's failures; 0 = now. */
export function waitSeconds(kind: Counter, failures: Failures, nowMs: number): number {
  const over = failures.count - LOGIN_FREE_FAILURES[kind];
  if (over < 0) return 0;
  const wait = Math.min(LOGIN_MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS[kind] * 2 ** over);
  return Math.max(0, Math.ceil((failures.lastMs + wait * 1000 - nowMs) / 1000));
}

/** "30 seconds", "2 minutes": how long to wait, as the message says it. */
export function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * Login must keep working while Redis is down: throttling then fails open (and says so in the
 * log) rather than locking everyone out.
 */
async function failOpen<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    log.warn({ err }, `login throttle unavailable (${what}); allowing`);
    return undefined;
  }
}

/** The counters an attempt counts against: its username's, and its (address, username) pair's when the address is known (lib/auth/client-address.ts). */
const countersOf = (username: string, ip: string | null): [Counter, string][] =>
  ip === null ? [["username", userKey(username)]] : [["username", userKey(username)], ["pair", pairKey(username, ip)]];

/** Refuses the attempt before the password is checked while either counter asks for a wait, saying how long. */
export async function assertLoginAllowed(username: string, ip: string | null) {
  const counters = countersOf(username, ip);
  // Two keys in two hash tags: two separate reads, never one MULTI across slots.
  const read = await failOpen("check", () => Promise.all(counters.map(([, key]) => readFailures(key))));
  if (!read) return;
  const now = Date.now();
  const wait = Math.max(...read.map((failures, i) => waitSeconds(counters[i]![0], failures, now)));
  if (wait > 0) throw new AppError("TOO_MANY_ATTEMPTS", { message: `Too many failed sign-ins for this account. Try again in ${waitInWords(wait)}.`, retryAfter: wait });
}

export async function recordLoginFailure(username: string, ip: string | null) {
  await failOpen("record", () => Promise.all(countersOf(username, ip).map(([, key]) => recordFailure(key, LOGIN_WINDOW_SECONDS))));
}

/**
 * A successful login clears its username's counter and its own address's pair; another
 * address's pair stays, so a guesser elsewhere is not let off by the owner signing in.
 */
export async function recordLoginSuccess(username: string, ip: string | null) {
  await failOpen("reset", () => Promise.all(countersOf(username, ip).map(([, key]) => clearFailures(key))));
}
