/**
 * An app process for the drop record's tests: runs the drop recorder (as lib/startup.ts does in
 * every server) and places the given checkouts one after another, `gapMs` apart, each buying
 * its own cart of `lines`; prints "placed <n> <outcome>" after each, so a test can SIGKILL it
 * mid-drop. argv: buyers JSON, lines JSON, gapMs, recorder grace in seconds.
 */
import { randomUUID } from "node:crypto";
import { closeDb } from "@/db";
import { recordDrops } from "@/lib/drops/recorder";
import { isAppError } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { checkoutSeams } from "@/lib/orders/seams";
import { closeRedis } from "@/lib/platform/redis";
import { whenIdle } from "@/lib/platform/shutdown";

const buyers = JSON.parse(process.argv[2]!) as { userId: number; addressId: number }[];
const lines = JSON.parse(process.argv[3]!) as { skuId: number; count: number }[];
const gapMs = Number(process.argv[4] ?? 50);
const graceS = Number(process.argv[5] ?? 2);

checkoutSeams.readCart = async () => ({ lines: lines.map((l) => ({ ...l, selected: true })), revision: randomUUID().replaceAll("-", "") });

// The recorder's loop, with a short grace so it stores seconds while the drop runs.
let stopped = false;
const recorder = (async () => {
  while (!stopped) {
    await recordDrops({ graceS }).catch((e: unknown) => console.error("record failed", e));
    await new Promise((r) => setTimeout(r, 300));
  }
})();

let n = 0;
for (const b of buyers) {
  const outcome = await placeOrder({ userId: b.userId, addressId: b.addressId, payMethod: "cod", idempotencyKey: randomUUID() }, "batched").then(
    () => "OK",
    (e: unknown) => (isAppError(e) ? e.code : `ERROR ${String(e)}`),
  );
  console.log(`placed ${++n} ${outcome}`);
  await new Promise((r) => setTimeout(r, gapMs));
}
stopped = true;
await recorder;
await whenIdle(10_000);
console.log("done");
await closeDb();
await closeRedis();
