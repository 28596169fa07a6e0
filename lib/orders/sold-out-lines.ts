import "server-only";
import { deselectCartLines } from "@/lib/cart/service";
import type { Owner } from "@/lib/cart/store";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/platform/log";

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
export async function takeSoldOutLinesOut(owner: Owner, e: unknown): Promise<unknown> {
  if (!isAppError(e) || e.code !== "OUT_OF_STOCK") return e;
  const lines = (e.details?.lines ?? []) as ShortLine[];
  const gone = lines.filter((l) => l.available === 0);
  if (gone.length === 0) return e;
  try {
    await deselectCartLines(owner, gone.map((l) => l.skuId));
  } catch (err) {
    log.warn({ err, skuIds: gone.map((l) => l.skuId) }, "could not take sold-out lines out of the selection");
    return e;
  }
  const short = lines.filter((l) => l.available > 0).map((l) => `Only ${l.available} left of ${l.name} (you asked for ${l.requested}).`);
  return new AppError("OUT_OF_STOCK", {
    message: [soldOutSentence(gone.map((l) => l.name)), ...short].join(" "),
    details: { ...e.details, takenOut: gone.map((l) => l.skuId) },
  });
}
