"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { api } from "@/app/api-client";
import { EmailList } from "@/app/admin/ui/EmailList";
import { StatusAlert } from "@/app/admin/ui/StatusAlert";
import type { MailState } from "@/db/schema";
import type { EmailView } from "@/lib/mail/console";

/** The room's body: counts by state, then the failed and the newest e-mails, each with Resend. */
export function EmailsRoom({ counts, failed, recent }: { counts: Record<MailState, number>; failed: EmailView[]; recent: EmailView[] }) {
  const router = useRouter();
  const [resending, setResending] = useState<number | null>(null);
  const [answer, setAnswer] = useState<{ success?: string; error?: string }>({});
  const [, startTransition] = useTransition();
  const resend = async (e: EmailView) => {
    setResending(e.id);
    setAnswer({});
    try {
      const { email } = await api<{ email: EmailView }>(`/api/admin/emails/${e.id}/resend`, { method: "POST" });
      setAnswer({ success: `Queued again as #${email.id}.` });
      startTransition(() => router.refresh());
    } catch (err) {
      setAnswer({ error: err instanceof Error ? err.message : "Could not resend." });
    } finally {
      setResending(null);
    }
  };
  return (
    <div className="stack">
      <p>
        {counts.sent} sent · {counts.pending + counts.sending} waiting · {counts.failed} failed
      </p>
      <StatusAlert success={answer.success} error={answer.error} />
      <section aria-labelledby="failed-emails">
        <h2 id="failed-emails">Failed</h2>
        <EmailList emails={failed} label="Failed e-mails" onResend={resend} resending={resending} showOrder />
      </section>
      <section aria-labelledby="recent-emails">
        <h2 id="recent-emails">Newest</h2>
        <EmailList emails={recent} label="Newest e-mails" onResend={resend} resending={resending} showOrder />
      </section>
    </div>
  );
}
