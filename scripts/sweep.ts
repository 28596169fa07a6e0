/**
 * One expiry sweep, for cron or by hand: `npm run sweep`. Safe alongside running servers and
 * their own sweepers, because every order's atomic status move decides who restocks it.
 */
import { closeDb } from "@/db";
import { env, EnvError } from "@/lib/platform/env";
import { expireUnpaidOrders } from "@/lib/orders/expiry";

async function main() {
  const started = Date.now();
  const result = await expireUnpaidOrders();
  console.log(
    `Expired ${result.expired} unpaid order(s) older than ${env().ORDER_PAYMENT_TTL}s` +
      (result.lost ? `, ${result.lost} taken by another process` : "") +
      (result.failed ? `, ${result.failed} failed (see log)` : "") +
      ` in ${Date.now() - started} ms.`,
  );
  return result.failed > 0 ? 1 : 0;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    console.error(e instanceof EnvError ? e.message : `Sweep failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
