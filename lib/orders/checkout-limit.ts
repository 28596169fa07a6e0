import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { hit, throttleKey } from "@/lib/rate-limit";

const WINDOW_SECONDS = 60;

/**
 * At most `limit` new checkouts per user per minute (`CHECKOUT_RATE_LIMIT`, 0 = off). Called
 * after the idempotency replay, so a client retrying a key it already used is never blocked.
 * If Redis is down this fails open: the cart read that follows answers CART_UNAVAILABLE anyway.
 */
export async function takeCheckoutSlot(userId: number, limit: number = env().CHECKOUT_RATE_LIMIT) {
  if (limit <= 0) return;
  let counter: { count: number; ttl: number };
  try {
    counter = await hit(throttleKey(`checkout:u:${userId}`), WINDOW_SECONDS);
  } catch (err) {
    log.warn({ err, userId }, "checkout rate limit unavailable; allowing");
    return;
  }
  if (counter.count > limit) {
    throw new AppError("TOO_MANY_ATTEMPTS", "Too many checkouts in a minute. Please wait and try again.", undefined, counter.ttl);
  }
}
