import "server-only";
import nodemailer, { type Transporter } from "nodemailer";

/**
 * An SMTP transport for `SMTP_URL` (smtp:// upgrades with STARTTLS when the server offers it,
 * smtps:// is TLS from the first byte). Pooled: a relay pass sends its whole batch at once over
 * up to 4 connections, each reused for message after message (a drop's confirmations go out at
 * SMTP speed, not a handshake per e-mail); a connection that breaks fails only its message, which
 * is retried. The timeouts are well inside the relay's claim lease, so a row is never sent by two
 * relays at once.
 */
export function smtpTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  return nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    pool: true,
    maxConnections: 4,
  });
}

/** The Message-ID of an outbox row: every attempt at one row carries the same one (the receiver's key to drop a repeat). */
export const messageIdOf = (rowId: number) => `<outbox-${rowId}@stockroom>`;
