import "server-only";
import { trace, SpanStatusCode, type Span } from "@opentelemetry/api";
import { settleCartCleanups, takeOrderOutOfCart } from "@/lib/cart/cleanup";
import { readCart, type Line } from "@/lib/cart/store";
import { createCombiner, type BatchPhase, type Combiner } from "@/lib/platform/combiner";
import { env } from "@/lib/platform/env";
import { AppError, isAppError, isConnectionError } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { requestContext } from "@/lib/platform/request-context";
import { tracked } from "@/lib/platform/shutdown";
import { returnCheckoutSlot, takeCheckoutSlot } from "./checkout-limit";
import { commitOrders, type CommitResult, type Verdict } from "./commit";
import { cartOwnerOf, lineRowsOf, outOfStockError, type Draft, type PlaceOrderRequest } from "./draft";
import { findOrderByCartRevision, normalizeKey, replayOr, type PlaceOrderResult } from "./idempotency";
import { recordBatch, recordCheckout, recordSoldOutHint, type CheckoutOutcome } from "./metrics";
import { toOrderView } from "./queries";
import { hintedAmong, markSoldOut, soldOutHints } from "./soldout";
import { rememberedRefusal, takeSoldOutLinesOut } from "./sold-out-lines";
import { checkoutSeams } from "./seams";
import { STOCK_STEPS, type Strategy } from "./stock";

export type { PlaceOrderRequest, PlaceOrderResult, Strategy };

/** Orders per batched transaction. */
const MAX_BATCH = 64;
/** Rounds a checkout may take while its user's earlier orders are still being cleaned out of the cart. */
const MAX_ROUNDS = 3;

// A no-op unless instrumentation.ts started OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT).
const tracer = trace.getTracer("stockroom");

/**
 * Places an order from the caller's selected cart lines, everything or nothing, with the given
 * strategy, one path for every strategy:
 *   take the user's checkout slot -> read the selected lines and the cart revision -> refuse
 *   lines hinted sold out -> commit (lib/orders/commit.ts) -> take the bought lines out of the
 *   cart -> answer.
 * `batched` puts a combiner in front of the same commit, so concurrent checkouts share one
 * transaction; a batch of one is the one-order path. Whenever the key already has an order, the
 * checkout gives its slot back and answers with that order. Counted as in-flight work (a
 * graceful shutdown waits for it) and logged once with its outcome.
 */
export function placeOrder(request: PlaceOrderRequest, strategy: Strategy = env().CHECKOUT_STRATEGY): Promise<PlaceOrderResult> {
  const req = { ...request, idempotencyKey: normalizeKey(request.idempotencyKey) };
  return tracer.startActiveSpan("checkout", { attributes: { "stockroom.strategy": strategy } }, (span) =>
    tracked(async () => {
      const started = performance.now();
      const stats: CheckoutStats = { attempts: 0 };
      let outcome: CheckoutOutcome = "error";
      let orderId: string | undefined;
      try {
        const result = await checkout(req, strategy, stats);
        outcome = result.created ? "created" : "replayed";
        orderId = result.order.orderId;
        return result;
      } catch (e) {
        outcome = isAppError(e) ? e.code : isConnectionError(e) ? "DB_UNAVAILABLE" : "error";
        // Sold-out lines come out of the cart's selection, so the rest can be bought at once.
        throw await takeSoldOutLinesOut(cartOwnerOf(req), req.idempotencyKey, e);
      } finally {
        const ms = performance.now() - started;
        recordCheckout(strategy, outcome, ms / 1000, stats.lines, req.userId);
        span.setAttributes({ "stockroom.outcome": outcome, "stockroom.attempts": stats.attempts, ...(orderId ? { "stockroom.order_id": orderId } : {}) });
        if (outcome === "error" || outcome === "DB_UNAVAILABLE") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        span.end();
        log.info({ userId: req.userId, orderId, strategy, attempts: stats.attempts, outcome, ms: Math.round(ms) }, "checkout");
      }
    }),
  );
}

/** Orders waiting for the next batch, and batches running now (for tests). */
export const queuedForBatch = () => batching().combiner.queued();
export const batchesInFlight = () => batching().combiner.inFlight();

/** What the checkout learned for its metrics: transaction attempts, and the cart lines it tried to buy (the drop view counts per line). */
type CheckoutStats = { attempts: number; lines?: Line[] };

const selectedLines = (cart: { lines: (Line & { selected: boolean })[] }): Line[] => cart.lines.filter((l) => l.selected).map(({ skuId, count }) => ({ skuId, count }));

async function checkout(req: PlaceOrderRequest, strategy: Strategy, stats: CheckoutStats): Promise<PlaceOrderResult> {
  // The sold-out hints are read beside the cart, before the cart's SKUs are known; the first
  // read goes out with the checkout slot's, so neither waits for the other.
  const owner = cartOwnerOf(req);
  const readCartAndHints = () => Promise.all([(checkoutSeams.readCart ?? readCart)(owner), soldOutHints()]);
  const [slot, firstRead] = await Promise.allSettled([takeCheckoutSlot(req.userId), readCartAndHints()]);
  if (slot.status === "rejected") {
    if (firstRead.status === "fulfilled") stats.lines = selectedLines(firstRead.value[0]);
    return replayOr(req, slot.reason);
  }
  const replayed = async (refusal: unknown) => {
    const result = await replayOr(req, refusal);
    await returnCheckoutSlot(req.userId);
    return result;
  };

  for (let round = 1; ; round++) {
    if (round === 1 && firstRead.status === "rejected") throw firstRead.reason;
    const [cart, hints] = round === 1 && firstRead.status === "fulfilled" ? firstRead.value : await readCartAndHints();
    // The page the shopper submitted shows a cart that has changed since (another tab, or a
    // change Redis lost in a failover): if that cart was bought, say so; else buy nothing the
    // shopper did not see.
    if (req.cartRevision && req.cartRevision !== cart.revision) {
      const orderId = await findOrderByCartRevision(req.userId, req.cartRevision);
      return replayed(orderId ? cartAlreadyOrdered(orderId) : new AppError("CART_CHANGED"));
    }
    const lines = selectedLines(cart);
    stats.lines = lines;
    // Nothing selected: a retry whose first try took its sold-out lines out hears that refusal again.
    if (lines.length === 0) return replayed((await rememberedRefusal(owner, req.idempotencyKey)) ?? new AppError("EMPTY_CART"));
    const hinted = hintedAmong(
      hints,
      lines.map((l) => l.skuId),
    );
    if (hinted.size > 0) {
      recordSoldOutHint();
      return replayed(soldOutError(lines, hinted));
    }

    const { verdict, attempts } = await commit({ req, lines, cartRevision: cart.revision }, strategy);
    stats.attempts = attempts;
    switch (verdict.kind) {
      case "created": {
        const { header, lines: bought } = verdict.order;
        await takeOrderOutOfCart(owner, header.id, bought);
        return { order: toOrderView(header, lineRowsOf(verdict.order), verdict.order.orderNumber ?? null), created: true };
      }
      case "replay":
        // The key's order can only be missing if it was rolled back since: contention.
        return replayed(new AppError("BUSY", { retryAfter: 1 }));
      case "cart-ordered":
        // The winner cleans the cart too; doing it here as well means this shopper's cart is right when they look.
        await settleCartCleanups(req.userId, owner).catch((err: unknown) => log.warn({ err }, "could not settle cart cleanups"));
        throw cartAlreadyOrdered(verdict.orderId);
      case "refused":
        throw verdict.error;
      case "again":
        if (round >= MAX_ROUNDS) throw new AppError("BUSY", { retryAfter: 1 });
        await settleCartCleanups(req.userId, owner);
    }
  }
}

type Committed = { verdict: Verdict; attempts: number };

function commit(draft: Draft, strategy: Strategy): Promise<Committed> {
  if (strategy === "batched") {
    const { combiner, spans } = batching();
    const span = trace.getActiveSpan();
    if (span) spans.set(draft, span);
    // The combiner serves every caller, so it runs outside this one's request context (its logs must not carry this request's id).
    return requestContext.exit(() => combiner.submit(draft));
  }
  trace.getActiveSpan()?.setAttribute("stockroom.batch_size", 1);
  return commitOrders([draft], STOCK_STEPS[strategy]).then((r) => perDraft(r)[0]!);
}

/** One batch of drafts in one transaction: a trace of its own, linked both ways with its orders' checkouts. */
async function commitBatch(drafts: Draft[], phase: BatchPhase): Promise<Committed[]> {
  recordBatch(drafts.length);
  const orders = drafts.map((d) => batching().spans.get(d)).filter((s) => s !== undefined);
  return tracer.startActiveSpan(
    "checkout.batch",
    { root: true, links: orders.map((s) => ({ context: s.spanContext() })), attributes: { "stockroom.strategy": "batched", "stockroom.batch_size": drafts.length } },
    async (span) => {
      for (const order of orders) order.setAttribute("stockroom.batch_size", drafts.length).addLink({ context: span.spanContext() });
      try {
        const result = await commitOrders(drafts, STOCK_STEPS.batched, phase);
        span.setAttribute("stockroom.attempts", result.attempts);
        return perDraft(result);
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: isAppError(e) ? e.code : "error" });
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

/** A commit's verdicts, one per draft; the SKUs it emptied become sold-out hints. */
function perDraft({ verdicts, emptied, attempts }: CommitResult): Committed[] {
  // Counted as in-flight work, so a graceful stop waits for it.
  if (emptied.length > 0) void tracked(() => markSoldOut(emptied));
  return verdicts.map((verdict) => ({ verdict, attempts }));
}

/**
 * The batch queue, one per process whichever of Next's bundles asks first, so every caller
 * shares one combiner; with each queued draft's `checkout` span, for its batch to link to.
 */
function batching() {
  const shared = globalThis as unknown as { stockroomBatching?: { combiner: Combiner<Draft, Committed>; spans: WeakMap<Draft, Span> } };
  shared.stockroomBatching ??= {
    // One customer's drafts never in two batches at once: the next waits for the one committing,
    // so its lookups see that commit (replays, one cart one order, purchase limits).
    combiner: createCombiner(commitBatch, { maxBatch: MAX_BATCH, maxInFlight: env().CHECKOUT_BATCHES_IN_FLIGHT, keyOf: (d) => d.req.userId }),
    spans: new WeakMap(),
  };
  return shared.stockroomBatching;
}

const cartAlreadyOrdered = (orderId: string) => new AppError("CART_ALREADY_ORDERED", { details: { orderId } });

/** A refusal from the sold-out hints alone: only the hinted lines are named. */
function soldOutError(lines: Line[], hinted: Map<number, string>): AppError {
  const named = lines.map((l) => ({ ...l, name: hinted.get(l.skuId) ?? `SKU ${l.skuId}` }));
  return outOfStockError(named, new Map(lines.map((l) => [l.skuId, hinted.has(l.skuId) ? 0 : l.count])));
}
