/**
 * A second server process for the multi-process test: places the orders it is given with the
 * batched strategy and prints one JSON line of outcomes. Run with tsx; env as the test's.
 */
import { closeDb } from "@/db";
import { isAppError } from "@/lib/errors";
import { batchesDrained } from "@/lib/orders/batch";
import { placeOrder } from "@/lib/orders/place-order";
import { closeRedis } from "@/lib/redis";

const buyers = JSON.parse(process.argv[2]!) as { userId: number; addressId: number; key: string }[];
const outcomes = await Promise.all(
  buyers.map((b) =>
    placeOrder({ userId: b.userId, addressId: b.addressId, payMethod: "cod", idempotencyKey: b.key }, "batched").then(
      () => "OK",
      (e: unknown) => (isAppError(e) ? e.code : `ERROR ${String(e)}`),
    ),
  ),
);
console.log(JSON.stringify(outcomes));
// The last batch still records sold-out hints after answering; closing under it would reopen clients.
await batchesDrained();
await closeDb();
await closeRedis();
