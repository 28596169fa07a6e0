"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { StockBadge } from "@/app/components/StockBadge";
import { MAX_LINE_QTY } from "@/lib/cart/limits";
import { formatMoney, toCents } from "@/lib/money";
import { useCart, useRemoveCartItem, useSelectAll, useUpdateCartItem } from "./queries";

export function CartTable() {
  const router = useRouter();
  const cart = useCart();
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
      <p>
        Your cart is empty. <Link href="/">Browse the shop</Link>.
      </p>
    );
  const allSelected = items.every((i) => i.selected);

  return (
    <>
      <div aria-live="polite">
        {failure && (
          <p className="alert error" role="alert">
            {failure.message}
          </p>
        )}
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>
                <label>
                  <input type="checkbox" checked={allSelected} onChange={(e) => selectAll.mutate(e.target.checked)} /> Select all
                </label>
              </th>
              <th>Item</th>
              <th className="num">Unit price</th>
              <th>Quantity</th>
              <th className="num">Line total</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              // Units this customer may still buy: the per-customer limit less what their orders hold (the checkout decides).
              const allowance = item.perCustomerLimit === null ? MAX_LINE_QTY : Math.max(0, item.perCustomerLimit - item.alreadyBought);
              return (
                <tr key={item.skuId} data-testid={`cart-line-${item.skuId}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${item.name}`}
                      checked={item.selected}
                      onChange={(e) => update.mutate({ skuId: item.skuId, selected: e.target.checked })}
                    />
                  </td>
                  <td>
                    <Link href={`/products/${item.spuId}`}>{item.name}</Link>
                    <div>
                      <StockBadge stock={item.stock} onSale={item.onSale} />
                      {item.onSale && item.stock > 0 && item.count > item.stock && (
                        <span className="field-error"> You asked for {item.count}; only {item.stock} left.</span>
                      )}
                      {item.perCustomerLimit !== null && (
                        <span className={item.count > allowance ? "line-note blocked" : "line-note muted"} data-testid={`cart-limit-${item.skuId}`}>
                          Limit {item.perCustomerLimit} per customer
                          {item.alreadyBought > 0 ? ` — you already have ${item.alreadyBought}` : ""}
                          {item.count <= allowance ? "." : allowance === 0 ? ": remove it to order the rest." : `: lower this to ${allowance}.`}
                        </span>
                      )}
                    </div>
                  </td>
                  <td className="num">{formatMoney(item.price)}</td>
                  <td>
                    <div className="stepper" role="group" aria-label={`Quantity of ${item.name}`}>
                      <button
                        type="button"
                        aria-label={`Decrease quantity of ${item.name}`}
                        disabled={item.count <= 1}
                        onClick={() => update.mutate({ skuId: item.skuId, count: item.count - 1 })}
                      >
                        −
                      </button>
                      <input aria-label={`Quantity of ${item.name}`} value={item.count} readOnly />
                      <button
                        type="button"
                        aria-label={`Increase quantity of ${item.name}`}
                        disabled={item.count >= Math.min(MAX_LINE_QTY, allowance)}
                        onClick={() => update.mutate({ skuId: item.skuId, count: item.count + 1 })}
                      >
                        +
                      </button>
                    </div>
                  </td>
                  <td className="num" data-testid="line-total">
                    {formatMoney(toCents(item.price) * item.count)}
                  </td>
                  <td>
                    <button type="button" className="btn link" onClick={() => remove.mutate(item.skuId)}>
                      Remove<span className="visually-hidden"> {item.name}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="summary">
        <span>
          Selected: <strong data-testid="selected-count">{selectedCount}</strong> items
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
