import "server-only";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { giveBack, hit, throttleKey } from "@/lib/platform/rate-limit";

const WINDOW_SECONDS = 60;

const slotKey = (userId: number) => throttleKey(`checkout:u:${userId}`);

/**
 * At most `limit` new checkouts per user per minute (`CHECKOUT_RATE_LIMIT`, 0 = off). Every
 * strategy takes its slot first, before it reads the cart (lib/orders/checkout.ts). A client
 * retrying a key it already used is never blocked and in the end uses no slot: refused here, it
 * still gets the key's order back; let through, the checkout gives the slot back as soon as it
 * finds the key's order. If Redis is down this fails open: the cart read that follows answers
 * CART_UNAVAILABLE anyway.
 */
export async function takeCheckoutSlot(userId: number, limit: number = env().CHECKOUT_RATE_LIMIT) {
  if (limit <= 0) return;
  let counter: { count: number; ttl: number };
  try {
    counter = await hit(slotKey(userId), WINDOW_SECONDS);
  } catch (err) {
    log.warn({ err, userId }, "checkout rate limit unavailable; allowing");
    return;
  }
  if (counter.count > limit) {
    throw new AppError("TOO_MANY_ATTEMPTS", { message: "Too many checkouts in a minute. Please wait and try again.", retryAfter: counter.ttl });
  }
}

/** Hands back the slot a checkout took, when it turned out to be a replay of an earlier order. */
export async function returnCheckoutSlot(userId: number, limit: number = env().CHECKOUT_RATE_LIMIT) {
  if (limit <= 0) return;
  await giveBack(slotKey(userId)).catch((err: unknown) => log.warn({ err, userId }, "could not give back a checkout slot"));
}
