import { placeOrder } from "@/lib/orders/checkout";
import { checkoutSeams } from "@/lib/orders/seams";
import { env } from "@/lib/platform/env";
import { fillCart, makeShoppers, makeSkus } from "./fixtures";
import { waitFor } from "./wait";

/**
 * Fills every batch slot of this process (CHECKOUT_BATCHES_IN_FLIGHT) with a batch held open
 * before its COMMIT, one blocker's order each, so the next batched checkouts wait in the queue.
 * Each blocker buys a SKU of its own: held batches on one SKU would wait for each other's row lock.
 * The returned function lets the held batches commit and waits for them.
 */
export async function holdEveryBatch(): Promise<() => Promise<void>> {
  const slots = env().CHECKOUT_BATCHES_IN_FLIGHT;
  const [blockers, skuIds] = await Promise.all([makeShoppers(slots), makeSkus(Array.from({ length: slots }, () => 10))]);
  for (const [n, b] of blockers.entries()) await fillCart(b, [{ skuId: skuIds[n]!, count: 1 }]);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let entered = 0;
  checkoutSeams.beforeCommit = () => {
    entered++;
    return held;
  };
  const orders: Promise<unknown>[] = [];
  // One at a time, so each blocker's order is a batch of its own.
  for (const [n, b] of blockers.entries()) {
    orders.push(placeOrder({ userId: b.id, addressId: b.addressId, payMethod: "cod", idempotencyKey: `hold-${b.id}` }, "batched"));
    await waitFor(`held batch ${n + 1} of ${slots}`, () => entered > n, 10_000, 5);
  }
  checkoutSeams.beforeCommit = undefined;
  return async () => {
    release();
    await Promise.all(orders);
  };
}
