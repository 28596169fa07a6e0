import "server-only";
import { deselectCartLines } from "@/lib/cart/service";
import { cartKeys, type Owner } from "@/lib/cart/store";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/platform/log";
import { getRedis } from "@/lib/platform/redis";

/**
 * A checkout whose answer was lost (a timeout, a cut connection) is sent again with its key. If
 * its first try took sold-out lines out of the selection, the retry would find nothing selected
 * and hear EMPTY_CART; it hears the first try's refusal instead, kept this long beside the cart
 * (the same hash tag as the cart, so one Redis Cluster slot).
 */
const REMEMBER_SECONDS = 15 * 60;
const refusalKey = (owner: Owner, idempotencyKey: string) => `${cartKeys(owner).items}:refused:${idempotencyKey}`;

/** The sold-out refusal a checkout with this key already got, or null. */
export async function rememberedRefusal(owner: Owner, idempotencyKey: string): Promise<AppError | null> {
  try {
    const raw = await getRedis().get(refusalKey(owner, idempotencyKey));
    if (!raw) return null;
    const { message, details } = JSON.parse(raw) as { message: string; details: Record<string, unknown> };
    return new AppError("OUT_OF_STOCK", { message, details });
  } catch (err) {
    log.warn({ err }, "could not read a remembered sold-out refusal");
    return null;
  }
}

type ShortLine = { skuId: number; name: string; requested: number; available: number };

/** "Phone X, 128 GB sold out. It was taken out of this order." One sentence naming every sold-out line. */
export function soldOutSentence(names: string[]): string {
  const list = names.length <= 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${list} sold out. ${names.length === 1 ? "It was" : "They were"} taken out of this order.`;
}

/**
 * A checkout refused because lines are sold out takes those lines out of the cart's selection,
 * in one cart change, so the shopper's next checkout buys the rest ("Buy the rest"); the lines
 * stay in the cart, marked sold out by their stock. The refusal then says so in one sentence and
 * lists the lines it took out (`details.takenOut`). Lines still short but not gone stay
 * selected: the shopper chooses to lower them. Any other error, or a cart that cannot be
 * changed now, is answered as it was.
 */
export async function takeSoldOutLinesOut(owner: Owner, idempotencyKey: string, e: unknown): Promise<unknown> {
  // A remembered refusal (below) is answered again as it is: its lines are already out.
  if (!isAppError(e) || e.code !== "OUT_OF_STOCK" || e.details?.takenOut) return e;
  const lines = (e.details?.lines ?? []) as ShortLine[];
  const gone = lines.filter((l) => l.available === 0);
  if (gone.length === 0) return e;
  const short = lines.filter((l) => l.available > 0).map((l) => `Only ${l.available} left of ${l.name} (you asked for ${l.requested}).`);
  const refusal = new AppError("OUT_OF_STOCK", {
    message: [soldOutSentence(gone.map((l) => l.name)), ...short].join(" "),
    details: { ...e.details, takenOut: gone.map((l) => l.skuId) },
  });
  try {
    // Remembered before the lines leave the selection: a crash in between leaves them selected,
    // and the retry simply runs the checkout again.
    await getRedis().set(refusalKey(owner, idempotencyKey), JSON.stringify({ message: refusal.message, details: refusal.details }), "EX", REMEMBER_SECONDS);
    await deselectCartLines(owner, gone.map((l) => l.skuId));
  } catch (err) {
    log.warn({ err, skuIds: gone.map((l) => l.skuId) }, "could not take sold-out lines out of the selection");
    return e;
  }
  return refusal;
}
