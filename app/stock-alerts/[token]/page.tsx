import type { Metadata } from "next";
import Link from "next/link";
import { alertByToken } from "@/lib/alerts/subscriptions";
import { isAppError } from "@/lib/errors";
import { Unsubscribe } from "./Unsubscribe";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Back-in-stock alert", robots: { index: false } };

type Props = { params: Promise<{ token: string }> };

/**
 * Where a back-in-stock e-mail's unsubscribe link lands. Opening it changes nothing (mail
 * scanners open links): the button sends DELETE /api/stock-alerts/:token.
 */
export default async function StockAlertPage({ params }: Props) {
  const { token } = await params;
  const alert = await alertByToken(token).catch((e: unknown) => {
    if (isAppError(e) && e.code === "STOCK_ALERT_NOT_FOUND") return "invalid" as const;
    throw e;
  });
  return (
    <section style={{ maxWidth: "36rem" }}>
      <h1>Back-in-stock alert</h1>
      {alert === "invalid" ? (
        <p className="alert error" role="alert" data-testid="alert-link-invalid">
          This unsubscribe link is not valid. Copy the whole link from the e-mail, or ignore it: an alert is sent once at most.
        </p>
      ) : alert === null ? (
        <p className="alert info" data-testid="alert-gone">
          You are not subscribed to this alert any more: it was sent, or you unsubscribed. Nothing more will be e-mailed about it.
        </p>
      ) : (
        <Unsubscribe token={token} name={alert.name} email={alert.email} />
      )}
      <p>
        <Link href="/">Back to the shop</Link>
      </p>
    </section>
  );
}
