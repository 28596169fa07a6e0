/**
 * A second server process for the multi-process tests: places the orders it is given with the
 * strategy named in argv[3] (default batched), all at once, and prints one JSON line of outcomes
 * ("OK" or the error code). Run with tsx (--conditions=react-server); env as the test's.
 *
 * argv[4], a JSON line list, makes every checkout buy a cart of its own holding those lines
 * (a new revision per read), and retry BUSY as a client honouring Retry-After would: for tests
 * of rules that span a customer's orders, such as per-customer limits.
 */
import { closeDb } from "@/db";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";
import { isAppError } from "@/lib/errors";
import { randomUUID } from "node:crypto";
import { placeOrder, type PlaceOrderRequest } from "@/lib/orders/checkout";
import { checkoutSeams } from "@/lib/orders/seams";
import { closeRedis } from "@/lib/platform/redis";
import { whenIdle } from "@/lib/platform/shutdown";

const buyers = JSON.parse(process.argv[2]!) as { userId: number; addressId: number; key: string; queuePasses?: string[] }[];
const strategy = CHECKOUT_STRATEGIES.find((s) => s === process.argv[3]) ?? "batched";
const ownCart = process.argv[4] ? (JSON.parse(process.argv[4]) as { skuId: number; count: number }[]) : null;

const place = ownCart
  ? (() => {
      checkoutSeams.readCart = async () => ({ lines: ownCart.map((l) => ({ ...l, selected: true })), revision: randomUUID().replaceAll("-", "") });
      return async (req: PlaceOrderRequest) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await placeOrder(req, strategy);
          } catch (e) {
            if (!isAppError(e) || e.code !== "BUSY" || attempt >= 20) throw e;
            await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
          }
        }
      };
    })()
  : (req: PlaceOrderRequest) => placeOrder(req, strategy);

const outcomes = await Promise.all(
  buyers.map((b) =>
    place({ userId: b.userId, addressId: b.addressId, payMethod: "cod", idempotencyKey: b.key, queuePasses: b.queuePasses }).then(
      () => "OK",
      (e: unknown) => (isAppError(e) ? e.code : `ERROR ${String(e)}`),
    ),
  ),
);
console.log(JSON.stringify(outcomes));
// The last batch still records sold-out hints after answering; closing under it would reopen clients.
await whenIdle(10_000);
await closeDb();
await closeRedis();
