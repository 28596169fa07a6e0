import type { readCart } from "@/lib/cart/store";

/**
 * Test seams, empty in the app: a test sets one to reach inside a checkout, then clears it.
 * `clock` (what decides scheduled launches, ms since the epoch) and the two transaction hooks
 * are read by commit.ts; `readCart` (a test that gives every checkout a cart of its own) by
 * checkout.ts.
 */
export const checkoutSeams: {
  clock?: () => number;
  /** Inside the commit's transaction, once the lookups came in. */
  afterLookups?: (attempt: number) => void | Promise<void>;
  /** Inside the commit's transaction, holding its row locks, just before the query that ends with COMMIT. */
  beforeCommit?: (attempt: number) => void | Promise<void>;
  readCart?: typeof readCart;
} = {};
