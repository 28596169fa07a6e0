import type { Metadata } from "next";
import { requireAdmin } from "@/app/admin/ui/access";
import { RoomHeader } from "@/app/admin/ui/RoomHeader";
import { emailCounts, recentEmails } from "@/lib/mail/console";
import { EmailsRoom } from "./EmailsRoom";

export const metadata: Metadata = { title: "E-mails" };
export const dynamic = "force-dynamic";

/** The shop's e-mails: how many are in each state, the failed ones, the newest ones; each can be resent. */
export default async function EmailsPage() {
  await requireAdmin("/admin/emails");
  const [counts, failed, recent] = await Promise.all([emailCounts(), recentEmails({ state: "failed", limit: 50 }), recentEmails({ limit: 50 })]);
  return (
    <>
      <RoomHeader
        title="E-mails"
        lead="Every e-mail the shop sends goes through the outbox: pending until the relay sends it, retried when the mail server refuses, failed with its reason after the last try. Resend queues a new one."
      />
      <EmailsRoom counts={counts} failed={failed} recent={recent} />
    </>
  );
}
