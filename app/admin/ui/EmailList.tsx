import type { MailKind, MailState } from "@/db/schema";
import type { EmailView } from "@/lib/mail/console";

export const KIND_LABEL: Record<MailKind, string> = {
  order_created: "Order placed",
  order_paid: "Payment received",
  order_shipped: "Shipped",
  order_cancelled: "Cancelled",
  order_expired: "Expired unpaid",
  back_in_stock: "Back in stock",
};

const STATE_BADGE: Record<MailState, string> = { pending: "low", sending: "info", sent: "in_stock", failed: "sold_out" };
const STATE_LABEL: Record<MailState, string> = { pending: "Pending", sending: "Sending", sent: "Sent", failed: "Failed" };

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

/** What became of one e-mail, in words: sent when, failed why, or waiting for what. */
function outcome(e: EmailView): string {
  if (e.state === "sent" && e.sentAt) return `sent ${when(e.sentAt)}`;
  if (e.state === "failed") return `failed after ${e.attempts} ${e.attempts === 1 ? "attempt" : "attempts"}: ${e.lastError ?? "unknown reason"}`;
  if (e.lastError) return e.attempts === 0 ? e.lastError : `attempt ${e.attempts} failed: ${e.lastError}; next try ${when(e.nextAttemptAt)}`;
  return e.state === "sending" ? "being sent" : "waiting to be sent";
}

/**
 * A list of e-mails (an order's, or the E-mails room's), each with its state and a Resend button
 * (`onResend`; the server makes a new outbox row). `showOrder`: name each e-mail's order.
 */
export function EmailList({
  emails,
  label,
  onResend,
  resending,
  showOrder = false,
}: {
  emails: EmailView[];
  label: string;
  onResend: (e: EmailView) => void;
  resending?: number | null;
  showOrder?: boolean;
}) {
  if (emails.length === 0) return <p className="muted">No e-mails.</p>;
  return (
    <ul className="email-list" aria-label={label}>
      {emails.map((e) => (
        <li key={e.id}>
          <div>
            <strong>{KIND_LABEL[e.kind]}</strong>
            {showOrder && e.orderNumber && <> · order {e.orderNumber}</>} to <span className="email-recipient">{e.recipient}</span>{" "}
            <span className={`badge ${STATE_BADGE[e.state]}`}>{STATE_LABEL[e.state]}</span>
            <br />
            <span className="muted">
              #{e.id}, queued {when(e.createdAt)}; {outcome(e)}
            </span>
          </div>
          <button type="button" className="btn small" disabled={resending != null} aria-busy={resending === e.id} onClick={() => onResend(e)}>
            {resending === e.id ? "Resending…" : "Resend"}
            <span className="visually-hidden">
              {" "}
              {KIND_LABEL[e.kind]} e-mail #{e.id}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
