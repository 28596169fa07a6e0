import { limitLabel } from "@/lib/drops/limit-message";

/** The most units of one SKU a cart line may hold. */
export const MAX_LINE_QTY = 99;

/** What bounds one SKU in a cart: its buyable stock, its per-customer limit and what the customer's orders hold, the line now. */
export type RoomFacts = { stock: number; perCustomerLimit: number | null; alreadyBought?: number; inCart: number };
/** The most units that fit, which bound is tightest, and that bound in words. */
export type Room = { max: number; cap: "stock" | "limit" | "line"; why: string };

/**
 * How many more units of one SKU the shopper can add, and why not more: the one home of that
 * arithmetic, used by the product page and the cart before anything is sent, and by the cart
 * service when it refuses. Pure, so client components use it too. `inCart: 0` gives the most a
 * line may hold (for a quantity that replaces the line's).
 */
export function roomToAdd({ stock, perCustomerLimit, alreadyBought = 0, inCart }: RoomFacts): Room {
  const alsoInCart = inCart > 0 ? `, and ${inCart} already in your cart` : "";
  const caps: Room[] = [
    { cap: "stock", max: stock - inCart, why: `${stock <= 0 ? "Sold out" : stock > 5 ? `${stock} in stock` : `Only ${stock} left`}${alsoInCart}` },
    { cap: "line", max: MAX_LINE_QTY - inCart, why: `Up to ${MAX_LINE_QTY} per item${alsoInCart}` },
  ];
  if (perCustomerLimit !== null) {
    const bought = alreadyBought > 0 ? `, ${alreadyBought} in your orders` : "";
    caps.push({ cap: "limit", max: perCustomerLimit - alreadyBought - inCart, why: `${limitLabel(perCustomerLimit)}${bought}${alsoInCart}` });
  }
  const tightest = caps.reduce((a, b) => (b.max < a.max ? b : a));
  return { ...tightest, max: Math.max(0, tightest.max) };
}

/** "You can add 2 more." (or that nothing more fits), after the bound that says why. */
export const roomWords = (room: Room) => `${room.why}. ${room.max > 0 ? `You can add ${room.max} more.` : "You cannot add more."}`;

/**
 * What a quantity field says about what was typed, before anything is sent: null when it fits.
 * `room` from roomToAdd; `replaces`: the quantity replaces the line's (the cart) rather than
 * adding to it (the product page).
 */
export function quantityProblem(typed: string | number, room: Room, replaces = false): string | null {
  const asked = typeof typed === "number" ? typed : typed.trim() === "" ? NaN : Number(typed);
  if (!Number.isFinite(asked)) return "Enter a quantity.";
  if (!Number.isInteger(asked)) return "Enter a whole number.";
  if (asked < 1) return replaces ? "The quantity must be at least 1. To take the item out, press Remove." : "The quantity must be at least 1.";
  if (asked <= room.max) return null;
  if (replaces) return `${room.why}. ${room.max > 0 ? `You can have up to ${room.max}.` : "You cannot have any."}`;
  return roomWords(room);
}
