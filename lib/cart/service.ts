import "server-only";
import { getSkus } from "@/lib/catalog";
import { lineName } from "@/lib/product-name";
import { AppError } from "@/lib/errors";
import { toCents, toDecimal } from "@/lib/money";
import { settleCartCleanups } from "./cleanup";
import type { AddItem, UpdateItem } from "./schemas";
import { addLine, readCart, removeLine, selectAll, updateLine, userIdOf, type Owner } from "./store";

export type CartItem = {
  skuId: number;
  spuId: number;
  name: string;
  price: string;
  count: number;
  selected: boolean;
  stock: number;
  onSale: boolean;
};
/** `revision` changes with every change to the cart; a checkout may send it back (see placeOrderSchema). */
export type CartView = { items: CartItem[]; selectedCount: number; selectedTotal: string; revision: string };

/**
 * A signed-in user's cart may still hold lines an earlier order bought, if that order's cleanup
 * has not run yet (Redis failed, or the process stopped between commit and cleanup): they come
 * off before the cart is read or changed, so a change is never undone by a late cleanup.
 */
async function settle(owner: Owner) {
  const userId = userIdOf(owner);
  if (userId !== null) await settleCartCleanups(userId);
}

/** The cart with current names, prices and stock; lines whose SKU no longer exists are left out. */
export async function getCart(owner: Owner): Promise<CartView> {
  await settle(owner);
  const { lines, revision } = await readCart(owner);
  const skus = new Map((await getSkus(lines.map((l) => l.skuId))).map((s) => [s.skuId, s]));
  const items: CartItem[] = [];
  for (const line of lines) {
    const sku = skus.get(line.skuId);
    if (!sku) continue;
    items.push({ ...line, spuId: sku.spuId, name: lineName(sku.skuId, sku), price: sku.price, stock: sku.stock, onSale: sku.onSale });
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
  return addLine(owner, skuId, count);
}

export async function updateCartItem(owner: Owner, skuId: number, change: UpdateItem): Promise<void> {
  await settle(owner);
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
