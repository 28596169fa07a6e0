import "server-only";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { ResultSetHeader, RowDataPacket } from "mysql2";
import type { Transporter } from "nodemailer";
import { getPool } from "@/db";
import type { MailKind } from "@/db/schema";
import { isRetryable } from "@/lib/errors";
import { MAIL_QUEUED } from "@/lib/orders/mail-outbox";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { onNudge } from "@/lib/platform/nudge";
import { loadOrders, loadSkus, unsubscribeLink, type OrderMail } from "./content";
import { renderBackInStock, renderOrderMail, type Rendered } from "./render";
import { messageIdOf, smtpTransport } from "./transport";

/**
 * The relay: claims due outbox rows, renders and sends each, marks it. See docs/architecture.md
 * ("E-mail: the outbox and its relay") for why a row is never sent by two relays and what a
 * crash between the server's answer and the mark can and cannot do.
 */

export const NO_SMTP_NOTE = "not sent: no SMTP configured";

export type RelayOptions = {
  /** The transport; by default one for SMTP_URL, none without it. */
  transport?: Transporter | null;
  /** Rows one pass claims. */
  batch?: number;
  /** How long a claim holds a row against other relays: longer than any send may take. */
  leaseMs?: number;
  /** The first retry's delay; each further retry doubles it (capped at an hour). */
  baseDelayMs?: number;
  maxAttempts?: number;
  /** Names this relay in `claimed_by` (a fresh name per pass by default). */
  relayId?: string;
};

export type RelayResult = { claimed: number; sent: number; retried: number; failed: number };

type Claimed = { id: number; kind: MailKind; orderId: string | null; skuId: number | null; alertId: number | null; recipient: string; attempts: number };

/** What a pass read for its rows (orders, variants), or the error that read failed with. */
type Loaded = { orders: Map<string, Omit<OrderMail, "kind">>; skus: Map<number, { name: string; link: string }> } | Error;

const MAX_DELAY_MS = 3_600_000;
const backoffMs = (base: number, attempts: number) => Math.min(MAX_DELAY_MS, base * 2 ** Math.max(0, attempts - 1));

let defaultTransport: { url: string; transport: Transporter } | undefined;
function configuredTransport(): Transporter | null {
  const url = env().SMTP_URL;
  if (!url) return null;
  if (defaultTransport?.url !== url) defaultTransport = { url, transport: smtpTransport(url) };
  return defaultTransport.transport;
}

/** The transport a relay sends with: the one its options give, else SMTP_URL's; null: none, rows wait. */
const transportOf = (options: RelayOptions) => (options.transport === undefined ? configuredTransport() : options.transport);

/**
 * Takes up to `batch` rows for this relay: pending rows whose time has come, and rows another
 * relay claimed but whose lease ran out (it died, or hung, mid-send). One conditional UPDATE, so
 * of relays racing for a row exactly one gets it; the claim counts as an attempt.
 */
async function claim(relayId: string, batch: number, leaseMs: number): Promise<Claimed[]> {
  const pool = getPool();
  const [res] = await pool.query<ResultSetHeader>(
    `UPDATE mail_outbox SET state = 'sending', claimed_by = ?, claimed_until = NOW(3) + INTERVAL ? MICROSECOND, attempts = attempts + 1
     WHERE (state = 'pending' AND next_attempt_at <= NOW(3)) OR (state = 'sending' AND claimed_until < NOW(3))
     ORDER BY id LIMIT ?`,
    [relayId, leaseMs * 1000, batch],
  );
  if (res.affectedRows === 0) return [];
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT id, kind, order_id, sku_id, alert_id, recipient, attempts FROM mail_outbox WHERE claimed_by = ? AND state = 'sending' ORDER BY id",
    [relayId],
  );
  const idOrNull = (v: unknown) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as MailKind,
    orderId: r.order_id as string | null,
    skuId: idOrNull(r.sku_id),
    alertId: idOrNull(r.alert_id),
    recipient: String(r.recipient),
    attempts: Number(r.attempts),
  }));
}

/**
 * Marks rows this relay still holds: the number marked. A row whose claim was lost (its lease ran
 * out and another relay took it) is skipped. The pass's sent rows are marked together, once all
 * its sends are answered: a crash before that leaves them to be sent again, with the same
 * Message-IDs, as a crash between any one send and its mark would.
 */
async function mark(ids: number[], relayId: string, set: string, params: unknown[] = []): Promise<number> {
  if (ids.length === 0) return 0;
  const [res] = await getPool().query<ResultSetHeader>(
    `UPDATE mail_outbox SET ${set}, claimed_by = NULL, claimed_until = NULL WHERE id IN (?) AND claimed_by = ? AND state = 'sending'`,
    [...params, ids, relayId],
  );
  return res.affectedRows;
}

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").slice(0, 500);
/** A 5xx answer is the server's final word (no such mailbox, refused): trying again would get the same. */
const isPermanent = (e: unknown) => {
  const code = (e as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
};

const gone = (what: string) => Object.assign(new Error(`the ${what} no longer exists`), { responseCode: 554 });

/** A row's e-mail as it goes out: who by name (orders have one) and the rendered parts. */
async function renderRow(row: Claimed, loaded: Exclude<Loaded, Error>): Promise<{ name?: string; rendered: Rendered }> {
  if (row.kind === "back_in_stock") {
    const sku = row.skuId === null ? undefined : loaded.skus.get(row.skuId);
    if (!sku || row.alertId === null) throw gone("variant");
    return { rendered: await renderBackInStock({ ...sku, unsubscribeLink: unsubscribeLink(row.alertId) }) };
  }
  const found = row.orderId ? loaded.orders.get(row.orderId) : undefined;
  if (!found) throw gone("order");
  return { name: found.order.address.name, rendered: await renderOrderMail({ ...found, kind: row.kind }) };
}

async function sendRow(row: Claimed, transport: Transporter, from: string, loaded: Loaded): Promise<void> {
  if (/[\r\n]/.test(row.recipient)) throw Object.assign(new Error("invalid recipient"), { responseCode: 553 });
  if (loaded instanceof Error) throw loaded;
  const { name, rendered } = await renderRow(row, loaded);
  const { subject, html, text } = rendered;
  // nodemailer encodes the display name (a word with CR/LF cannot start a header of its own).
  const to = name === undefined ? row.recipient : { name, address: row.recipient };
  await transport.sendMail({ from, to, subject, html, text, messageId: messageIdOf(row.id) });
}

/**
 * Without SMTP a pass only notes on the rows queued since this process's last such pass (their
 * `next_attempt_at` is when they were queued, in the database's clock) that they wait for SMTP,
 * not on every row ever kept: a shop run without SMTP keeps them all. The margin covers rows a
 * long transaction queued before the last pass and committed after it; its first pass notes all.
 */
const NOTE_MARGIN_MS = 5 * 60_000;
let lastNotePassAt: number | undefined;
async function noteNoSmtp() {
  const startedAt = Date.now();
  const [since, params] =
    lastNotePassAt === undefined ? ["", []] : [" AND next_attempt_at >= NOW(3) - INTERVAL ? MICROSECOND", [(startedAt - lastNotePassAt + NOTE_MARGIN_MS) * 1000]];
  await getPool().query(`UPDATE mail_outbox SET last_error = ? WHERE state = 'pending'${since} AND last_error IS NULL`, [NO_SMTP_NOTE, ...params]);
  lastNotePassAt = startedAt;
}

/** One pass: claim, send each claimed row, mark it sent, due again later, or failed. */
export async function relayOnce(options: RelayOptions = {}): Promise<RelayResult> {
  const transport = transportOf(options);
  const result: RelayResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
  if (!transport) {
    // Kept, not lost: the rows stay pending and go out once SMTP_URL is set.
    await noteNoSmtp();
    return result;
  }
  const relayId = options.relayId ?? `${hostname().slice(0, 30)}:${process.pid}:${randomBytes(6).toString("hex")}`;
  const { batch = 50, leaseMs = 60_000, baseDelayMs = 2_000, maxAttempts = env().MAIL_MAX_ATTEMPTS } = options;
  const rows = await claim(relayId, batch, leaseMs);
  result.claimed = rows.length;
  const sent: number[] = [];
  const from = env().MAIL_FROM;
  // A failed read (the database blipped) is each row's transient error: back to pending with backoff, not held for a lease.
  const loaded: Loaded = await Promise.all([
    loadOrders([...new Set(rows.flatMap((r) => (r.orderId ? [r.orderId] : [])))]),
    loadSkus([...new Set(rows.flatMap((r) => (r.skuId === null ? [] : [r.skuId])))]),
  ]).then(
    ([orders, skus]) => ({ orders, skus }),
    (e: unknown) => e as Error,
  );
  await Promise.all(
    rows.map(async (row) => {
      if (row.attempts > maxAttempts) {
        // Its last attempt's outcome is unknown (a relay died mid-send) and none are left.
        result.failed += await mark([row.id], relayId, "state = 'failed', last_error = ?", [`gave up after ${maxAttempts} attempts`]);
        return;
      }
      try {
        await sendRow(row, transport, from, loaded);
        sent.push(row.id);
      } catch (e) {
        const reason = reasonOf(e);
        if (isPermanent(e) || row.attempts >= maxAttempts) {
          result.failed += await mark([row.id], relayId, "state = 'failed', last_error = ?", [reason]);
        } else {
          result.retried += await mark([row.id], relayId, "state = 'pending', last_error = ?, next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND", [reason, backoffMs(baseDelayMs, row.attempts) * 1000]);
        }
        log.warn({ outboxId: row.id, attempts: row.attempts, reason }, "e-mail not sent");
      }
    }),
  );
  result.sent = await mark(sent, relayId, "state = 'sent', sent_at = NOW(3), last_error = NULL");
  return result;
}

type RelayState = { stopped: boolean; running: boolean; again: boolean; timer?: NodeJS.Timeout; stopListening?: () => void };
const globalForRelay = globalThis as unknown as { stockroomMailRelay?: RelayState };

/**
 * Without SMTP a pass only notes the rows queued since the last: once a minute is soon enough for
 * the console's note, and each note reads every row of its window (the last five minutes: at
 * every 500 ms it was the one full scan of `mail_outbox` under load, docs/benchmarks.md).
 */
export const NO_SMTP_INTERVAL_MS = 60_000;

/**
 * Runs `relayOnce` in this process every `pollMs` (0 turns it off; without SMTP, at most once
 * per NO_SMTP_INTERVAL_MS), and at once again after a pass that filled its batch, so a burst of
 * orders drains at SMTP speed rather than a batch per tick. With SMTP configured, a commit in this
 * process that queued e-mails (MAIL_QUEUED) starts a pass at once too, so a confirmation does not
 * wait for the next tick. Several processes may run it: the claims share the rows out. Passes
 * never overlap.
 */
export function startRelay(pollMs = env().MAIL_POLL_MS, options: RelayOptions = {}): boolean {
  if (pollMs <= 0 || globalForRelay.stockroomMailRelay) return false;
  const smtp = transportOf(options) !== null;
  const intervalMs = smtp ? pollMs : Math.max(pollMs, NO_SMTP_INTERVAL_MS);
  const state: RelayState = { stopped: false, running: false, again: false };
  const batch = options.batch ?? 50;
  const schedule = (delayMs: number) => {
    clearTimeout(state.timer);
    state.timer = setTimeout(pass, delayMs);
    state.timer.unref();
  };
  const pass = () => {
    state.running = true;
    state.again = false;
    relayOnce({ ...options, batch })
      .then((r) => r.claimed >= batch)
      .catch((e: unknown) => {
        // On Galera two nodes claiming the same rows lose to each other as a deadlock: the next pass claims again.
        if (isRetryable(e)) log.debug({ err: e }, "mail relay pass lost a claim race");
        else log.error({ err: e }, "mail relay pass failed");
        return false;
      })
      .then((more) => {
        state.running = false;
        if (!state.stopped) schedule(more || state.again ? 0 : intervalMs);
      });
  };
  schedule(intervalMs);
  // Without a transport a pass only notes "no SMTP": not worth a pass per checkout commit.
  if (smtp) {
    state.stopListening = onNudge(MAIL_QUEUED, () => {
      if (state.stopped) return;
      if (state.running) state.again = true;
      else schedule(0);
    });
  }
  globalForRelay.stockroomMailRelay = state;
  log.info({ intervalMs, smtp: env().SMTP_URL ? "configured" : "none" }, "mail relay started");
  return true;
}

export function stopRelay() {
  const state = globalForRelay.stockroomMailRelay;
  if (!state) return;
  state.stopped = true;
  state.stopListening?.();
  clearTimeout(state.timer);
  globalForRelay.stockroomMailRelay = undefined;
}
