import "server-only";
import { transaction, type Conn } from "@/db";
import type { Line } from "@/lib/cart/store";
import { AppError, isStockRefusal } from "@/lib/errors";
import { lineName } from "@/lib/catalog/product-name";
import { accountRequiredError, addHeld, heldOf, lockCustomersAndReadHeld, overLimit, purchaseLimitError } from "@/lib/drops/purchase-limits";
import { claimPasses, passesFor, releasePasses } from "@/lib/drops/queue-checkout";
import type { QueuePass } from "@/lib/drops/queue-pass";
import { hasStarted, saleNotStartedError } from "@/lib/drops/sale-start";
import { orderTooLargeError, outOfStockError, prepareOrder, type Draft, type PreparedOrder } from "./draft";
import { DuplicateKey, keysWithOrders } from "./idempotency";
import { batchLookups, checkoutSkus, type CheckoutSku, type Earlier } from "./lookups";
import { mailQueued } from "./mail-outbox";
import { insertOrders, OrdersGone } from "./order-rows";
import { busy, retryOnContention } from "./retry";
import type { SoldOut } from "./soldout";
import { commitSplit, lockingLocations, splitOverLocations, type Split } from "./allocation";
import { NotEnoughForAll, ShortStock, TooContended, type StockStep } from "./stock";
import { buyableUnits } from "@/lib/catalog/availability";
import { checkoutSeams } from "./seams";

/** What became of one draft. */
export type Verdict =
  /** Written and committed; its cart cleanup is the caller's to do. */
  | { kind: "created"; order: PreparedOrder }
  /** The idempotency key already has an order: answer with it. */
  | { kind: "replay" }
  /** This cart revision was already bought, by the order `orderId`. */
  | { kind: "cart-ordered"; orderId: string }
  /** An earlier order of this user still waits for its cart cleanup: settle it, read the cart again, resubmit. */
  | { kind: "again" }
  | { kind: "refused"; error: AppError };

/** `attempts`: transactions it took (1 unless it lost a deadlock, a lock wait or an INSERT race), for the log. */
export type CommitResult = { verdicts: Verdict[]; emptied: SoldOut[]; attempts: number };

/** What stops a draft before any stock is looked at: the key's order, then the revision's, then any cleanup still pending. */
function stoppedBy(draft: Draft, earlier: Earlier[]): Verdict | null {
  const { userId, idempotencyKey } = draft.req;
  const own = earlier.filter((o) => o.userId === userId);
  if (own.some((o) => o.key === idempotencyKey)) return { kind: "replay" };
  const bought = own.find((o) => o.revision === draft.cartRevision);
  if (bought) return { kind: "cart-ordered", orderId: bought.id };
  return own.some((o) => o.cleanupPending) ? { kind: "again" } : null;
}

/** A later draft of a user who already has one in this batch: answered after its leader. */
function asFollower(draft: Draft, leader: Draft, led: Verdict): Verdict {
  const sameKey = draft.req.idempotencyKey === leader.req.idempotencyKey;
  const sameCart = draft.cartRevision === leader.cartRevision;
  if (led.kind === "created") return sameKey ? { kind: "replay" } : sameCart ? { kind: "cart-ordered", orderId: led.order.header.id } : { kind: "again" };
  return sameKey || sameCart ? led : { kind: "again" };
}

/** Who holds a claimed pass: the checkout, so its own retries (same key) may claim it again. */
const holderOf = (draft: Draft) => `${draft.req.userId}:${draft.req.idempotencyKey}`;

/** OUT_OF_STOCK from stock as it is now (after a rollback), and the SKUs it shows empty. */
async function outOfStockNow(wanted: Line[]): Promise<{ error: AppError; emptied: SoldOut[] }> {
  const catalog = new Map((await checkoutSkus(wanted.map((l) => l.skuId))).map((s) => [s.skuId, s]));
  const lines = wanted.map((l) => ({ ...l, name: lineName(l.skuId, catalog.get(l.skuId)) }));
  const available = new Map(lines.map((l) => [l.skuId, availableOf(catalog.get(l.skuId))]));
  const emptied = lines.filter((l) => available.get(l.skuId) === 0).map(({ skuId, name }) => ({ skuId, name }));
  return { error: outOfStockError(lines, available), emptied };
}

/** What a checkout may take of a SKU as the catalog row shows it: nothing if it is gone or off sale. */
const availableOf = (sku?: { stock: number; onSale: boolean }) => (sku ? buyableUnits(sku) : 0);

/**
 * Commits 1..N checkout drafts in one READ COMMITTED transaction: lookups first (earlier orders
 * by key and cart revision, addresses, SKUs; outside the transaction, on pooled connections),
 * then the stock step decides who is served, the served orders' rows are written (always
 * flagged for cart cleanup), and the step takes their units last. Deadlocks, lock-wait timeouts
 * and a duplicate key met at INSERT run the whole attempt again, lookups included. Returns a
 * verdict per draft, in the drafts' order; throws only for the whole batch (BUSY, database down).
 *
 * The one-order steps (`conditional`, `optimistic`, `pessimistic`) are given one draft at a time:
 * they refuse by rolling the transaction back.
 */
export async function commitOrders(drafts: Draft[], step: StockStep, { committing }: { committing?: () => void } = {}): Promise<CommitResult> {
  let attempts = 0;
  let result: CommitResult;
  try {
    result = await retryOnContention(
      `checkout (${step.strategy})`,
      (attempt) => attemptCommit(drafts, step, (attempts = attempt), committing),
      (e) => e instanceof DuplicateKey || e instanceof OrdersGone,
      step.strategy,
    );
  } catch (e) {
    if (!(e instanceof ShortStock) && !isStockRefusal(e)) {
      // The optimistic loop already retried 50 times inside; another round would only add load.
      if (e instanceof TooContended) throw busy(`checkout (${step.strategy})`, 1, e);
      throw e;
    }
    const { error, emptied } = await outOfStockNow(drafts[0]!.lines);
    result = { verdicts: [{ kind: "refused", error }], emptied, attempts };
  }
  if (result.verdicts.some((v) => v.kind === "created" && v.order.header.shipEmail !== "")) mailQueued();
  return replayingRefusedKeys(drafts, result);
}

/**
 * A refusal is only an answer once the draft's key is known to have no order. A client that
 * retries after a timeout (same key) while its first try is still running: the retry's lookup
 * comes before that first try commits, then its transaction waits on the customer's or the
 * SKU's row, the first try commits, and the retry finds the limit reached or the last unit gone,
 * by its own order. Asked after the refusal (causally, on Galera), the key's order is there:
 * the draft is a replay. Refusals are rare next to orders; one query per batch that has any.
 */
async function replayingRefusedKeys(drafts: Draft[], result: CommitResult): Promise<CommitResult> {
  const refused = result.verdicts.flatMap((v, i) => (v.kind === "refused" ? [i] : []));
  if (refused.length === 0) return result;
  const pairs = refused.map((i) => ({ userId: drafts[i]!.req.userId, key: drafts[i]!.req.idempotencyKey }));
  const ordered = await keysWithOrders(pairs);
  if (ordered.size === 0) return result;
  const verdicts = result.verdicts.map((v, i): Verdict => (v.kind === "refused" && ordered.has(`${drafts[i]!.req.userId}:${drafts[i]!.req.idempotencyKey}`) ? { kind: "replay" } : v));
  return { ...result, verdicts };
}

type Named = { skuId: number; count: number; name: string }[];

/**
 * The candidates whose customers stay within every per-customer limit; the others get their
 * PURCHASE_LIMIT_REACHED verdict. Customers are locked before the stock step touches any SKU
 * row (lib/drops/purchase-limits.ts), and only when a draft has a limited line: unlimited checkouts
 * pay nothing.
 */
async function withinLimits(
  tx: Conn,
  candidates: number[],
  drafts: Draft[],
  named: Named[],
  catalog: Map<number, CheckoutSku>,
  verdicts: (Verdict | undefined)[],
): Promise<number[]> {
  const limitOf = (skuId: number) => catalog.get(skuId)?.perCustomerLimit ?? null;
  const limited = candidates.filter((i) => named[i]!.some((l) => limitOf(l.skuId) !== null));
  if (limited.length === 0) return candidates;
  const held = await lockCustomersAndReadHeld(
    tx,
    limited.map((i) => drafts[i]!.req.userId),
    [...new Set(limited.flatMap((i) => named[i]!.map((l) => l.skuId)))],
  );
  return candidates.filter((i) => {
    const { userId } = drafts[i]!.req;
    const over = overLimit(
      named[i]!.map((l) => ({ ...l, limit: limitOf(l.skuId) })),
      (skuId) => heldOf(held, userId, skuId),
    );
    if (over.length === 0) {
      // A batch holds one draft per customer, but count what it takes anyway.
      for (const l of named[i]!) addHeld(held, userId, l.skuId, l.count);
      return true;
    }
    verdicts[i] = { kind: "refused", error: purchaseLimitError(over) };
    return false;
  });
}

async function attemptCommit(drafts: Draft[], step: StockStep, attempt: number, committing?: () => void): Promise<CommitResult> {
  const { earlier: found, addresses: addressRows, skus: catalogRows } = await batchLookups(drafts);
  const address = new Map(addressRows.map((a) => [a.id, a]));
  const catalog = new Map(catalogRows.map((s) => [s.skuId, s]));

  const verdicts: (Verdict | undefined)[] = drafts.map(() => undefined);
  let candidates: number[] = [];
  const leaderOf = new Map<number, number>(); // user id -> index of their candidate in this batch
  const claims = new Map<number, QueuePass[]>(); // draft index -> the waiting-room passes it buys with
  const followers: [follower: number, leader: number][] = [];
  const named = drafts.map((d) => d.lines.map((l) => ({ ...l, name: lineName(l.skuId, catalog.get(l.skuId)) })));
  const now = checkoutSeams.clock?.() ?? Date.now();
  for (const [i, draft] of drafts.entries()) {
    const { userId, addressId, guest } = draft.req;
    const stopped = stoppedBy(draft, found);
    const to = addressId === undefined ? undefined : address.get(addressId);
    const lines = named[i]!;
    // Limits count per account: a guest (a new e-mail each time) may not buy a limited SKU at all.
    const limited = guest ? lines.filter((l) => catalog.get(l.skuId)?.perCustomerLimit != null) : [];
    if (stopped) verdicts[i] = stopped;
    else if (leaderOf.has(userId)) followers.push([i, leaderOf.get(userId)!]);
    else if (!guest && (!to || to.userId !== userId)) verdicts[i] = { kind: "refused", error: new AppError("ADDRESS_NOT_FOUND") };
    else if (limited.length > 0) verdicts[i] = { kind: "refused", error: accountRequiredError(limited.map((l) => ({ skuId: l.skuId, name: l.name, limit: catalog.get(l.skuId)!.perCustomerLimit! }))) };
    else if (lines.some((l) => !catalog.get(l.skuId)?.onSale)) {
      const available = new Map(lines.map((l) => [l.skuId, availableOf(catalog.get(l.skuId))]));
      verdicts[i] = { kind: "refused", error: outOfStockError(lines, available) };
    } else {
      const early = lines.filter((l) => !hasStarted(catalog.get(l.skuId)!.saleStartsAt, now));
      // Priced as the transaction will write it: an order whose money outgrows its columns is refused here, before any write.
      const tooLarge = orderTooLargeError(lines.map((l) => ({ count: l.count, price: catalog.get(l.skuId)!.price })));
      // A waiting room's SKU is bought with the buyer's pass only; checkouts without one pay nothing here.
      const queued = lines.filter((l) => catalog.get(l.skuId)!.queued);
      const passes = queued.length > 0 ? passesFor(userId, guest !== undefined, queued, draft.req.queuePasses ?? [], now) : null;
      if (early.length > 0) {
        verdicts[i] = { kind: "refused", error: saleNotStartedError(early.map((l) => ({ skuId: l.skuId, name: l.name, startsAt: catalog.get(l.skuId)!.saleStartsAt!.toISOString() }))) };
      } else if (tooLarge) verdicts[i] = { kind: "refused", error: tooLarge };
      else if (passes && "error" in passes) verdicts[i] = { kind: "refused", error: passes.error };
      else {
        if (passes) claims.set(i, passes.passes);
        candidates.push(i);
        leaderOf.set(userId, i);
      }
    }
  }

  // One pass buys once: claimed before the transaction, by this checkout (a retry of it may claim again).
  if (claims.size > 0) {
    const refusals = await Promise.all(candidates.map(async (i) => (claims.has(i) ? claimPasses(claims.get(i)!, holderOf(drafts[i]!)) : null)));
    for (const [n, refusal] of refusals.entries()) if (refusal) verdicts[candidates[n]!] = { kind: "refused", error: refusal };
    candidates = candidates.filter((_, n) => !refusals[n]);
  }

  let emptied: SoldOut[] = [];
  const decided = [...verdicts];
  /** `allAtOnce`: the step's `takeAll` serves every admitted order; else `decide` picks who is served. */
  const commitCandidates = (allAtOnce: boolean) =>
    transaction(
      async (tx) => {
        await checkoutSeams.afterLookups?.(attempt);
        const admitted = await withinLimits(tx, candidates, drafts, named, catalog, verdicts);
        const wanted = admitted.map((i) => drafts[i]!.lines);
        // From here the batch takes its SKU rows' locks and only waits to finish: the next may start.
        if (!allAtOnce) committing?.();
        const decision = allAtOnce ? { verdicts: wanted.map(() => true as const), emptied: [] } : await step.decide(tx, wanted);
        const served: PreparedOrder[] = [];
        for (const [n, i] of admitted.entries()) {
          const draft = drafts[i]!;
          const lines = named[i]!.map((l) => ({ ...l, price: catalog.get(l.skuId)!.price }));
          const verdict = decision.verdicts[n]!;
          if (verdict === true) {
            const order = prepareOrder(draft, draft.req.guest?.shipTo ?? address.get(draft.req.addressId!)!, lines, step.strategy);
            served.push(order);
            verdicts[i] = { kind: "created", order };
          } else verdicts[i] = { kind: "refused", error: outOfStockError(lines, verdict.available) };
        }
        let emptiedIds = decision.emptied;
        let split: Split | undefined;
        if (served.length > 0) {
          await insertOrders(tx, served);
          const bought = served.map((o) => o.lines);
          // The step's last stock change carries the locked read of the SKUs' locations: split the units over them.
          const orders = served.map((o) => ({ orderId: o.header.id, lines: o.lines }));
          if (allAtOnce) committing?.();
          const locations = await (allAtOnce ? step.takeAll! : step.take)(tx, bought, lockingLocations(orders));
          split = splitOverLocations(orders, locations);
          if (allAtOnce) emptiedIds = split.emptied;
        }
        await checkoutSeams.beforeCommit?.(attempt);
        emptied = emptiedIds.map((skuId) => ({ skuId, name: lineName(skuId, catalog.get(skuId)) }));
        // The take from the locations commits with the transaction, in one round trip.
        if (split) await commitSplit(tx, split);
      },
      { isolationLevel: "read committed" },
    );
  try {
    if (candidates.length > 0) {
      try {
        await commitCandidates(step.takeAll !== undefined);
      } catch (e) {
        if (!(e instanceof NotEnoughForAll)) throw e;
        // Some SKU cannot cover the whole batch: decide order by order, on locked rows.
        verdicts.splice(0, verdicts.length, ...decided);
        await commitCandidates(false);
      }
    }
  } finally {
    // A pass is spent only by an order: a refusal or a failed attempt gives it back.
    if (claims.size > 0) {
      const unspent = candidates.filter((i) => claims.has(i) && verdicts[i]?.kind !== "created");
      await Promise.all(unspent.map((i) => releasePasses(claims.get(i)!, holderOf(drafts[i]!))));
    }
  }
  for (const [i, leader] of followers) verdicts[i] = asFollower(drafts[i]!, drafts[leader]!, verdicts[leader]!);
  return { verdicts: verdicts as Verdict[], emptied, attempts: attempt };
}
