/**
 * A second server process for the multi-process tests: places the orders it is given with the
 * strategy named in argv[3] (default batched), all at once, and prints one JSON line of outcomes
 * ("OK" or the error code). Run with tsx (--conditions=react-server); env as the test's.
 */
import { closeDb } from "@/db";
import { CHECKOUT_STRATEGIES } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { closeRedis } from "@/lib/redis";
import { whenIdle } from "@/lib/shutdown";

const buyers = JSON.parse(process.argv[2]!) as { userId: number; addressId: number; key: string }[];
const strategy = CHECKOUT_STRATEGIES.find((s) => s === process.argv[3]) ?? "batched";
const outcomes = await Promise.all(
  buyers.map((b) =>
    placeOrder({ userId: b.userId, addressId: b.addressId, payMethod: "cod", idempotencyKey: b.key }, strategy).then(
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
