/**
 * A relay in a process of its own, for the tests that SIGKILL it (tests/mail-relay-kill.test.ts).
 * Run with `node --import tsx --import tests/support/no-server-only.mjs` (so the pid is the relay's own, with no
 * tsx wrapper left running after the kill); env as the test's, plus SMTP_URL and LEASE_MS.
 *
 * `loop`: the relay as every server process runs it (startRelay), printing READY.
 * `hang <k>`: one pass in which, from the k-th message the SMTP server has answered 250 on, the
 * process prints `ANSWERED <Message-ID>` and never marks that row: the test kills it there, between
 * the server's answer and the mark.
 */
import type { Transporter } from "nodemailer";
import { relayOnce, startRelay } from "@/lib/mail/relay";
import { smtpTransport } from "@/lib/mail/transport";

const [mode, arg] = process.argv.slice(2);
const transport = smtpTransport(process.env.SMTP_URL!);
const leaseMs = Number(process.env.LEASE_MS ?? 2_000);

if (mode === "loop") {
  startRelay(50, { transport, leaseMs });
  console.log("READY");
  setInterval(() => {}, 60_000);
} else {
  const from = Number(arg ?? 1);
  let answered = 0;
  const hanging = {
    ...transport,
    sendMail: async (mail: { messageId?: string }) => {
      const info = await transport.sendMail(mail);
      if (++answered >= from) {
        console.log(`ANSWERED ${mail.messageId}`);
        return new Promise<never>(() => {});
      }
      return info;
    },
  } as unknown as Transporter;
  await relayOnce({ transport: hanging, leaseMs, batch: 500 });
}
