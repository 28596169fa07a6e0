"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { ProductThumb } from "@/app/components/ProductArt";
import { StockBadge } from "@/app/components/StockBadge";
import { MAX_LINE_QTY, roomToAdd } from "@/lib/cart/limits";
import { formatMoney, toCents } from "@/lib/money";
import { useCart, useRemoveCartItem, useSelectAll, useUpdateCartItem } from "./queries";
import { LineQuantity } from "./LineQuantity";
import { buyableUnits } from "@/lib/catalog/availability";
import { limitLabel } from "@/lib/drops/limit-message";
import { AccountRequiredNote } from "@/app/session/AccountRequiredNote";
import { useMe } from "@/app/session/queries";
import { NotifyMe } from "@/app/components/NotifyMe";

/**
 * The cart as a list of cards: picture, name, availability, stepper, line total and Remove all on
 * one card, which stacks on a phone and lines up in columns on a wide screen.
 */
export function CartTable() {
  const router = useRouter();
  const cart = useCart();
  const me = useMe();
  const update = useUpdateCartItem();
  const remove = useRemoveCartItem();
  const selectAll = useSelectAll();
  const failure = update.error ?? remove.error ?? selectAll.error;

  if (cart.isPending) return <p aria-busy="true">Loading your cart…</p>;
  if (cart.isError)
    return (
      <p className="alert error" role="alert">
        {cart.error.message}
      </p>
    );
  const { items, selectedCount, selectedTotal } = cart.data;
  if (items.length === 0)
    return (
      <div className="empty-state">
        <p>Your cart is empty.</p>
        <Link href="/" className="btn">
          Browse the shop
        </Link>
      </div>
    );
  // A sold-out line a checkout took out does not keep "Select all" unticked.
  const allSelected = items.some((i) => i.selected) && items.every((i) => i.selected || buyableUnits(i) === 0);
  const busySku = (update.isPending ? update.variables?.skuId : undefined) ?? (remove.isPending ? remove.variables : undefined);

  return (
    <>
      <div aria-live="polite">
        {failure && (
          <p className="alert error" role="alert">
            {failure.message}
          </p>
        )}
      </div>
      <label className="select-all">
        <input type="checkbox" checked={allSelected} onChange={(e) => selectAll.mutate(e.target.checked)} /> Select all
      </label>
      <ul className="cart-lines" aria-label="Cart lines">
        {items.map((item) => {
          // Units this customer may still buy: the per-customer limit less what their orders hold (the checkout decides).
          const allowance = item.perCustomerLimit === null ? MAX_LINE_QTY : Math.max(0, item.perCustomerLimit - item.alreadyBought);
          const available = buyableUnits(item);
          // The most this line can hold: what a typed quantity is checked against before it is sent.
          const room = roomToAdd({ stock: available, perCustomerLimit: item.perCustomerLimit, alreadyBought: item.alreadyBought, inCart: 0 });
          const short = item.onSale && item.count > available;
          // Sold out and unticked (a checkout took it out): nothing to select until it is back in stock.
          const gone = available === 0 && !item.selected;
          const busy = busySku === item.skuId;
          return (
            <li key={item.skuId} className={gone ? "cart-line sold-out" : "cart-line"} data-testid={`cart-line-${item.skuId}`} aria-busy={busy}>
              <input
                type="checkbox"
                className="cart-line-select"
                aria-label={`Select ${item.name}`}
                checked={item.selected}
                disabled={gone}
                onChange={(e) => update.mutate({ skuId: item.skuId, selected: e.target.checked })}
              />
              <ProductThumb category={item.category} hue={item.hue} variant={item.variant} size={64} />
              <div className="cart-line-info">
                <Link href={`/products/${item.spuId}`} className="cart-line-name">
                  {item.name}
                </Link>
                <span className="muted cart-line-unit">{formatMoney(item.price)} each</span>
                <div className="cart-line-notes">
                  <StockBadge stock={item.stock} onSale={item.onSale} />
                  {gone && (
                    <span className="line-note blocked" data-testid={`cart-sold-out-${item.skuId}`}>
                      Not in your subtotal while it is sold out.
                    </span>
                  )}
                  {short && item.stock > 0 && (
                    <span className="line-note blocked">
                      You have {item.count}; only {item.stock} left.{" "}
                      <button type="button" className="btn link" disabled={busy} onClick={() => update.mutate({ skuId: item.skuId, count: item.stock })}>
                        Reduce to {item.stock}
                      </button>
                    </span>
                  )}
                  {item.perCustomerLimit !== null && (
                    <span className={item.count > allowance ? "line-note blocked" : "line-note muted"} data-testid={`cart-limit-${item.skuId}`}>
                      {limitLabel(item.perCustomerLimit)}
                      {item.alreadyBought > 0 ? ` — you already have ${item.alreadyBought}` : ""}
                      {item.count <= allowance ? "." : allowance === 0 ? ": remove it to order the rest." : `: lower this to ${allowance}.`}
                    </span>
                  )}
                  {item.perCustomerLimit !== null && me.data === null && <AccountRequiredNote testId={`cart-account-required-${item.skuId}`} next="/cart" />}
                </div>
                {item.stock === 0 && !me.isPending && <NotifyMe skuId={item.skuId} name={item.name} signedIn={Boolean(me.data)} compact />}
              </div>
              <div className="cart-line-qty">
                <LineQuantity
                  skuId={item.skuId}
                  name={item.name}
                  count={item.count}
                  room={room}
                  disabled={gone}
                  onSet={(count) => update.mutate({ skuId: item.skuId, count })}
                />
                {available > 0 && item.count === item.stock && (
                  <span className="muted qty-hint">{item.stock === 1 ? "The last one is in your cart." : `All ${item.stock} left are in your cart.`}</span>
                )}
              </div>
              <div className="cart-line-total">
                <span className="visually-hidden">Line total </span>
                {item.selected ? (
                  <strong data-testid="line-total">{formatMoney(toCents(item.price) * item.count)}</strong>
                ) : (
                  <>
                    <s className="muted" data-testid="line-total">
                      {formatMoney(toCents(item.price) * item.count)}
                    </s>
                    <span className="visually-hidden"> (not selected)</span>
                  </>
                )}
              </div>
              <button type="button" className="btn link cart-line-remove" disabled={busy} onClick={() => remove.mutate(item.skuId)}>
                {remove.isPending && remove.variables === item.skuId ? "Removing…" : "Remove"}
                <span className="visually-hidden"> {item.name}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <div className="summary cart-summary">
        <span>
          Selected: <strong data-testid="selected-count">{selectedCount}</strong> {selectedCount === 1 ? "item" : "items"}
        </span>
        <span>
          Subtotal: <strong data-testid="selected-total">{formatMoney(selectedTotal)}</strong>
        </span>
        <button type="button" className="btn" disabled={selectedCount === 0} onClick={() => router.push("/checkout")}>
          Checkout
        </button>
      </div>
    </>
  );
}
