"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import { EmailList } from "@/app/admin/ui/EmailList";
import { StatusAlert } from "@/app/admin/ui/StatusAlert";
import type { EmailView } from "@/lib/mail/console";

/** One order's e-mails with their state, and Resend (a new outbox row), in the order's detail. */
export function OrderEmails({ orderId, number }: { orderId: string; number: string }) {
  const qc = useQueryClient();
  const key = ["admin", "orders", orderId, "emails"];
  const emails = useQuery({
    queryKey: key,
    queryFn: () => api<{ emails: EmailView[] }>(`/api/admin/orders/${orderId}/emails`).then((d) => d.emails),
    refetchInterval: 5_000,
  });
  const resend = useMutation({
    mutationFn: (e: EmailView) => api<{ email: EmailView }>(`/api/admin/emails/${e.id}/resend`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  return (
    <section aria-label={`E-mails of order ${number}`}>
      <h3 style={{ fontSize: "1rem", margin: "0.75rem 0 0" }}>E-mails</h3>
      <StatusAlert error={resend.isError ? resend.error.message : undefined} success={resend.isSuccess ? "Queued to send again." : undefined} />
      {emails.isPending ? (
        <p aria-busy="true">Loading e-mails…</p>
      ) : emails.isError ? (
        <p className="alert error" role="alert">
          {emails.error.message}
        </p>
      ) : (
        <EmailList emails={emails.data} label={`E-mails of order ${number}`} onResend={(e) => resend.mutate(e)} resending={resend.isPending ? resend.variables.id : null} />
      )}
    </section>
  );
}
