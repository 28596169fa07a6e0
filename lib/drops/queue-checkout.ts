import "server-only";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { claimedSku, readPass, type QueuePass } from "./queue-pass";
import { claimPass, releasePass } from "./queue-store";

/**
 * The checkout's side of the waiting room: a line of a queued SKU needs the buyer's valid pass
 * for it. Asked by the checkout (lib/orders/commit.ts) with the rest of its rules on the SKU
 * rows it reads anyway, so a checkout without queued SKUs pays nothing. The pass travels as the
 * `X-Queue-Pass` header or the `sr_qp_<skuId>` cookie (lib/web/queue-pass.ts).
 */

type QueuedLine = { skuId: number; name: string };

/**
 * The passes that let this customer buy these queued lines, or the refusal: QUEUE_REQUIRED
 * without a pass for a line (or with an expired one), QUEUE_PASS_INVALID for a forged pass or
 * another account's. A guest has no place in any line.
 */
export function passesFor(userId: number, guest: boolean, lines: QueuedLine[], tokens: readonly string[], now: number): { passes: QueuePass[] } | { error: AppError } {
  const passes: QueuePass[] = [];
  for (const line of lines) {
    const offered = guest ? [] : tokens.filter((t) => claimedSku(t) === line.skuId);
    if (offered.length === 0) return { error: required(line, guest ? "Log in and join the line on its page first." : "Join the line on its page; you can check out once you are let in.") };
    const valid = offered.map(readPass).filter((p): p is QueuePass => p !== null && p.skuId === line.skuId && p.userId === userId);
    if (valid.length === 0) return { error: new AppError("QUEUE_PASS_INVALID", { details: { skuId: line.skuId } }) };
    const fresh = valid.filter((p) => p.expiresAt > now);
    if (fresh.length === 0) return { error: required(line, "Your turn to check out has passed; your pass expired.") };
    passes.push(fresh[0]!);
  }
  return { passes };
}

const required = (line: QueuedLine, what: string) => new AppError("QUEUE_REQUIRED", { message: `${line.name} sells through a waiting room. ${what}`, details: { skuId: line.skuId } });

/**
 * Claims the passes for the checkout `holder` (`<userId>:<idempotency key>`): one pass buys once,
 * a retry of the same checkout may claim it again. Null when claimed; else the refusal (its
 * claims given back). Redis down: BUSY, the checkout of a queued SKU waits for it.
 */
export async function claimPasses(passes: QueuePass[], holder: string): Promise<AppError | null> {
  const claimed: QueuePass[] = [];
  try {
    for (const p of passes) {
      if (!(await claimPass(p.skuId, p.ticket, holder))) {
        await releasePasses(claimed, holder);
        return new AppError("QUEUE_PASS_USED", { details: { skuId: p.skuId } });
      }
      claimed.push(p);
    }
    return null;
  } catch (err) {
    log.warn({ err, holder }, "could not claim waiting-room passes");
    await releasePasses(claimed, holder);
    return new AppError("BUSY", { retryAfter: 1 });
  }
}

/** Gives back the claims of a checkout that bought nothing for a reason not its own (BUSY, the database down). */
export async function releasePasses(passes: QueuePass[], holder: string): Promise<void> {
  await Promise.all(passes.map((p) => releasePass(p.skuId, p.ticket, holder, p.expiresAt))).catch((err: unknown) => log.warn({ err, holder }, "could not release waiting-room passes"));
}
