import { getPool } from "@/db";
import { relayOnce, type RelayOptions } from "@/lib/mail/relay";

/** Relay passes in this process until no outbox row is pending or being sent (each sent or failed). */
export async function drainOutbox(options: RelayOptions, { timeoutMs = 20_000, pauseMs = 25 } = {}) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    await relayOnce(options);
    const [open] = await getPool().query("SELECT COUNT(*) AS n FROM mail_outbox WHERE state IN ('pending', 'sending')");
    if (Number((open as { n: number }[])[0]!.n) === 0) return;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error("the outbox did not drain");
}
