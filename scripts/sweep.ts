/**
 * One sweep, for cron or by hand: `npm run sweep`. The same `sweep` every server runs on its
 * timer (lib/sweep.ts): overdue unpaid orders cancelled and restocked, expired sessions deleted.
 * Safe alongside running servers and their own sweepers, because every order's atomic status move
 * decides who restocks it and a session deleted twice is deleted once.
 *
 * package.json runs it with tsx `--conditions=react-server`, so the `server-only` marker in the
 * modules it imports resolves to its empty build, as on the Next.js server.
 */
import { closeDb } from "@/db";
import { env, EnvError } from "@/lib/platform/env";
import { sweep } from "@/lib/sweep";

async function main() {
  const started = Date.now();
  const { orders, sessionsPurged } = await sweep();
  console.log(
    `Expired ${orders.expired} unpaid order(s) older than ${env().ORDER_PAYMENT_TTL}s` +
      (orders.lost ? `, ${orders.lost} taken by another process` : "") +
      (orders.failed ? `, ${orders.failed} failed (see log)` : "") +
      `; purged ${sessionsPurged} expired session(s)` +
      ` in ${Date.now() - started} ms.`,
  );
  return orders.failed > 0 ? 1 : 0;
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
