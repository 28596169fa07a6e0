import "server-only";
import { getPool } from "@/db";
import { getSkus } from "@/lib/catalog/products";
import { cartLimitError, heldOf, unitsHeld } from "@/lib/drops/purchase-limits";
import { lineName } from "@/lib/catalog/product-name";
import { AppError } from "@/lib/errors";
import { toCents, toDecimal } from "@/lib/money";
import { settleCartCleanups, settleGuestCartCleanups } from "./cleanup";
import { MAX_LINE_QTY, roomToAdd, roomWords } from "./limits";
import type { AddItem, UpdateItem } from "./schemas";
import { addLine, deselectLines, readCart, removeLine, selectAll, updateLine, userIdOf, type Owner } from "./store";

export type CartItem = {
  skuId: number;
  spuId: number;
  name: string;
  /** For the line's picture (app/components/ProductArt.tsx): the product's category and hue, the variant's name. */
  category: string;
  hue: number;
  variant: string;
  price: string;
  count: number;
  selected: boolean;
  stock: number;
  onSale: boolean;
  /** Per-customer limit, and the units the customer's orders already hold of it (0 for guests). */
  perCustomerLimit: number | null;
  alreadyBought: number;
  /** ISO 8601; checkout refuses the line before it. */
  saleStartsAt: string | null;
};
/** `revision` changes with every change to the cart; a checkout may send it back (see placeOrderSchema). */
export type CartView = { items: CartItem[]; selectedCount: number; selectedTotal: string; revision: string };

/**
 * A cart (a user's or a guest's) may still hold lines an earlier order bought, if that order's cleanup
 * has not run yet (Redis failed, or the process stopped between commit and cleanup): they come
 * off before the cart is read or changed, so a change is never undone by a late cleanup.
 */
async function settle(owner: Owner) {
  const userId = userIdOf(owner);
  if (userId !== null) await settleCartCleanups(userId);
  else await settleGuestCartCleanups(owner.slice(2));
}

/** The cart with current names, prices and stock; lines whose SKU no longer exists are left out. */
export async function getCart(owner: Owner): Promise<CartView> {
  await settle(owner);
  const { lines, revision } = await readCart(owner);
  const skus = new Map((await getSkus(lines.map((l) => l.skuId))).map((s) => [s.skuId, s]));
  const userId = userIdOf(owner);
  const limited = [...skus.values()].filter((s) => s.perCustomerLimit !== null).map((s) => s.skuId);
  const held = userId === null ? new Map<string, number>() : await unitsHeld(getPool(), [userId], limited);
  const items: CartItem[] = [];
  for (const line of lines) {
    const sku = skus.get(line.skuId);
    if (!sku) continue;
    items.push({
      ...line,
      spuId: sku.spuId,
      name: lineName(sku.skuId, sku),
      category: sku.category,
      hue: sku.hue,
      variant: sku.name,
      price: sku.price,
      stock: sku.stock,
      onSale: sku.onSale,
      perCustomerLimit: sku.perCustomerLimit,
      alreadyBought: userId === null ? 0 : heldOf(held, userId, sku.skuId),
      saleStartsAt: sku.saleStartsAt?.toISOString() ?? null,
    });
  }
  const chosen = items.filter((i) => i.selected);
  return {
    items,
    selectedCount: chosen.reduce((n, i) => n + i.count, 0),
    selectedTotal: toDecimal(chosen.reduce((sum, i) => sum + toCents(i.price) * i.count, 0)),
    revision,
  };
}

export async function addToCart(owner: Owner, { skuId, count }: AddItem): Promise<number> {
  const [sku] = await getSkus([skuId]);
  if (!sku || !sku.onSale) throw new AppError("SKU_NOT_FOUND");
  await settle(owner);
  const inCart = await countInCart(owner, skuId);
  checkStock(sku, inCart, inCart + count);
  if (sku.perCustomerLimit !== null) await checkAllowance(owner, sku, inCart, count);
  checkLineMax(sku.stock, inCart, count);
  return addLine(owner, skuId, count);
}

/** A line never holds more than MAX_LINE_QTY: more is refused, saying how many still fit, never quietly capped. */
function checkLineMax(stock: number, inCart: number, adding: number) {
  if (inCart + adding <= MAX_LINE_QTY) return;
  const message = roomWords(roomToAdd({ stock, perCustomerLimit: null, inCart }));
  throw new AppError("VALIDATION", { message, details: { fieldErrors: { count: [message] } } });
}

const countInCart = async (owner: Owner, skuId: number) => (await readCart(owner)).lines.find((l) => l.skuId === skuId)?.count ?? 0;

/**
 * Refuses a cart change that would hold more units than are in stock, so the shop never says
 * "Added" for units nobody can buy. Lowering a line that is already over stock is allowed (one
 * step at a time, or straight to what is left). A courtesy, as for the limit: stock moves, and
 * checkout's transaction is what decides.
 */
function checkStock(sku: { skuId: number; product: string; name: string; stock: number }, before: number, after: number) {
  if (after <= sku.stock || after <= before) return;
  const name = lineName(sku.skuId, sku);
  const lines = [{ skuId: sku.skuId, name, requested: after, available: sku.stock }];
  if (sku.stock <= 0) throw new AppError("OUT_OF_STOCK", { message: `${name} is sold out.`, details: { lines } });
  const canAdd = sku.stock - before;
  const message =
    before === 0
      ? `Only ${sku.stock} left of ${name}.`
      : canAdd > 0
        ? `Only ${sku.stock} left of ${name}, and your cart has ${before}: you can add ${canAdd} more.`
        : `Only ${sku.stock} left of ${name}, and your cart already has ${before}.`;
  throw new AppError("OUT_OF_STOCK", { message, details: { lines } });
}

/**
 * Refuses a cart change that would pass the SKU's per-customer limit, counting what the
 * customer's orders hold, the `inCart` units the line keeps beside the change and the units
 * `adding`. A courtesy: checkout's transaction is what enforces the limit.
 */
async function checkAllowance(owner: Owner, sku: { skuId: number; product: string; name: string; perCustomerLimit: number | null }, inCart: number, adding: number) {
  const limit = sku.perCustomerLimit!;
  const userId = userIdOf(owner);
  const alreadyBought = userId === null ? 0 : heldOf(await unitsHeld(getPool(), [userId], [sku.skuId]), userId, sku.skuId);
  if (alreadyBought + inCart + adding > limit) throw cartLimitError({ skuId: sku.skuId, name: lineName(sku.skuId, sku), limit, alreadyBought, inCart, adding });
}

export async function updateCartItem(owner: Owner, skuId: number, change: UpdateItem): Promise<void> {
  await settle(owner);
  if (change.count !== undefined) {
    const [sku] = await getSkus([skuId]);
    if (sku) checkStock(sku, await countInCart(owner, skuId), change.count);
    // The new count replaces the line: nothing of it stays in the cart beside it.
    if (sku && sku.perCustomerLimit !== null) await checkAllowance(owner, sku, 0, change.count);
  }
  if (!(await updateLine(owner, skuId, change))) throw new AppError("SKU_NOT_FOUND", { message: "That item is not in your cart." });
}

export async function removeCartItem(owner: Owner, skuId: number): Promise<void> {
  await settle(owner);
  if (!(await removeLine(owner, skuId))) throw new AppError("SKU_NOT_FOUND", { message: "That item is not in your cart." });
}

export async function setCartSelection(owner: Owner, selected: boolean): Promise<void> {
  await settle(owner);
  await selectAll(owner, selected);
}

/** Unticks these lines at once (one cart change), e.g. the lines a checkout found sold out; they stay in the cart, marked by their stock. */
export async function deselectCartLines(owner: Owner, skuIds: number[]): Promise<void> {
  await settle(owner);
  await deselectLines(owner, skuIds);
}
