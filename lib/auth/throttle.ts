import "server-only";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { hit, peek, reset, throttleKey } from "@/lib/platform/rate-limit";

/** After this many failed logins in the window, for one username or from one IP, login answers 429. */
export const LOGIN_MAX_FAILURES = 10;
const LOGIN_WINDOW_SECONDS = 15 * 60;

const userKey = (username: string) => throttleKey(`login:u:${username.trim().toLowerCase().replace(/[{}]/g, "_")}`);
const ipKey = (ip: string) => throttleKey(`login:ip:${ip}`);

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

/** The counters an attempt counts against: its username's, and its address's when one is known (lib/auth/client-address.ts). */
const keysOf = (username: string, ip: string | null) => (ip === null ? [userKey(username)] : [userKey(username), ipKey(ip)]);

/** Refuses the attempt before the password is checked if either counter is full. */
export async function assertLoginAllowed(username: string, ip: string | null) {
  // Two keys in two hash tags: two separate reads, never one MULTI across slots.
  const counters = await failOpen("check", () => Promise.all(keysOf(username, ip).map((key) => peek(key))));
  const full = counters?.filter((c) => c.count >= LOGIN_MAX_FAILURES) ?? [];
  if (full.length > 0) throw new AppError("TOO_MANY_ATTEMPTS", { retryAfter: Math.max(...full.map((c) => c.ttl)) });
}

export async function recordLoginFailure(username: string, ip: string | null) {
  await failOpen("record", () => Promise.all(keysOf(username, ip).map((key) => hit(key, LOGIN_WINDOW_SECONDS))));
}

/**
 * A successful login clears its username's counter only. The IP's counter stays, so an attacker
 * cannot reset it by logging into an account of their own between guesses.
 */
export async function recordLoginSuccess(username: string) {
  await failOpen("reset", () => reset(userKey(username)));
}
