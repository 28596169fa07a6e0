"use client";

import { useState } from "react";
import { StockBadge } from "@/app/components/StockBadge";
import { useAddToCart } from "@/app/cart/queries";
import type { CatalogSku } from "@/lib/catalog";
import { MAX_LINE_QTY } from "@/lib/cart/limits";
import { formatMoney } from "@/lib/money";

export function VariantPicker({ productName, skus }: { productName: string; skus: CatalogSku[] }) {
  const firstAvailable = skus.find((s) => s.onSale && s.stock > 0) ?? skus[0];
  const [skuId, setSkuId] = useState(firstAvailable?.skuId);
  const [count, setCount] = useState(1);
  const addToCart = useAddToCart();
  const sku = skus.find((s) => s.skuId === skuId);
  if (!sku) return <p>This product has no variants for sale.</p>;
  const buyable = sku.onSale && sku.stock > 0;

  return (
    <div className="stack">
      {skus.length > 1 && (
        <fieldset className="variants">
          <legend>Choose an option</legend>
          {skus.map((s) => (
            <label key={s.skuId} className="variant">
              <input
                type="radio"
                name="sku"
                value={s.skuId}
                checked={s.skuId === skuId}
                onChange={() => {
                  setSkuId(s.skuId);
                  addToCart.reset();
                }}
              />
              {s.name}
            </label>
          ))}
        </fieldset>
      )}
      <div className="row" aria-live="polite">
        <span className="price" data-testid="sku-price">
          {formatMoney(sku.price)}
        </span>
        <span data-testid="sku-stock">
          <StockBadge stock={sku.stock} onSale={sku.onSale} />
        </span>
        {sku.onSale && sku.stock > 5 && <span className="muted">{sku.stock} available</span>}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          addToCart.mutate({ skuId: sku.skuId, count });
        }}
      >
        <label className="field" style={{ margin: 0 }}>
          <span className="visually-hidden">Quantity</span>
          <input
            type="number"
            min={1}
            max={MAX_LINE_QTY}
            value={count}
            onChange={(e) => setCount(Math.max(1, Math.min(MAX_LINE_QTY, Math.trunc(Number(e.target.value)) || 1)))}
            style={{ width: "5rem" }}
            aria-label="Quantity"
          />
        </label>
        <button type="submit" className="btn" disabled={!buyable || addToCart.isPending}>
          Add to cart
        </button>
      </form>
      <div aria-live="polite">
        {addToCart.isSuccess && (
          <p className="alert success" role="status">
            Added {productName} ({sku.name}) to your cart.
          </p>
        )}
        {addToCart.isError && (
          <p className="alert error" role="alert">
            {addToCart.error.message}
          </p>
        )}
      </div>
    </div>
  );
}
