"use client";

import { useState } from "react";
import { StockBadge } from "@/app/components/StockBadge";
import { LaunchTime } from "@/app/components/LaunchTime";
import { timeLeft } from "@/app/components/launch";
import { useServerNow } from "@/app/components/server-clock";
import { useAddToCart } from "@/app/cart/queries";
import type { CatalogSku } from "@/lib/catalog";
import { MAX_LINE_QTY } from "@/lib/cart/limits";
import { formatMoney } from "@/lib/money";
import { hasStarted } from "@/lib/sale-start";
import { useLiveStock } from "./live-stock";

type Props = { productName: string; skus: CatalogSku[]; renderedAt: number };

/** What a screen reader hears when the selected variant's state changes (not every tick or every unit sold). */
function stateWords(soldOut: boolean, started: boolean) {
  if (soldOut) return "Sold out.";
  return started ? "On sale now." : "Not on sale yet.";
}

export function VariantPicker({ productName, skus: rendered, renderedAt }: Props) {
  const live = useLiveStock(rendered.map((s) => s.skuId));
  // Stock and the on-sale switch move while the page is open; names, prices and launch times come with the page.
  const skus = rendered.map((s) => ({ ...s, ...live.data?.skus.get(s.skuId) }));
  const firstAvailable = rendered.find((s) => s.onSale && s.stock > 0) ?? rendered[0];
  const [skuId, setSkuId] = useState(firstAvailable?.skuId);
  const [count, setCount] = useState(1);
  const addToCart = useAddToCart();
  const sku = skus.find((s) => s.skuId === skuId);
  const launchAt = sku?.saleStartsAt ? Date.parse(sku.saleStartsAt) : null;
  const now = useServerNow(renderedAt, launchAt, live.data);
  if (!sku) return <p>This product has no variants for sale.</p>;

  const soldOut = !sku.onSale || sku.stock <= 0;
  const started = hasStarted(sku.saleStartsAt, now);
  const buyable = !soldOut && started;
  const maxCount = Math.min(MAX_LINE_QTY, sku.perCustomerLimit ?? MAX_LINE_QTY);
  const countdownId = `launch-${sku.skuId}`;

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
                  setCount((c) => Math.min(c, s.perCustomerLimit ?? MAX_LINE_QTY));
                  addToCart.reset();
                }}
              />
              {s.name}
            </label>
          ))}
        </fieldset>
      )}
      <div className="row">
        <span className="price" data-testid="sku-price" aria-live="polite">
          {formatMoney(sku.price)}
        </span>
        {/* Live: these change while the page is open, so they are not a live region (the status below says what matters). */}
        <span data-testid="sku-stock">
          <StockBadge stock={sku.stock} onSale={sku.onSale} />
        </span>
        {sku.onSale && sku.stock > 5 && (
          <span className="muted" data-testid="sku-left">
            {sku.stock} available
          </span>
        )}
        {sku.perCustomerLimit !== null && (
          <span className="badge limit" data-testid="sku-limit">
            Limit {sku.perCustomerLimit} per customer
          </span>
        )}
      </div>
      {!started && sku.saleStartsAt && launchAt !== null && (
        <p className="alert info launch" id={countdownId} style={{ margin: 0 }}>
          On sale in{" "}
          <strong role="timer" data-testid="launch-countdown">
            {timeLeft(launchAt - now)}
          </strong>{" "}
          · at <LaunchTime iso={sku.saleStartsAt} />
        </p>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          // The server decides at checkout; this only keeps the button honest with the server's clock.
          if (buyable) addToCart.mutate({ skuId: sku.skuId, count });
        }}
      >
        <label className="field" style={{ margin: 0 }}>
          <span className="visually-hidden">Quantity</span>
          <input
            type="number"
            min={1}
            max={maxCount}
            value={count}
            onChange={(e) => setCount(Math.max(1, Math.min(maxCount, Math.trunc(Number(e.target.value)) || 1)))}
            style={{ width: "5rem" }}
            aria-label="Quantity"
          />
        </label>
        <button
          type="submit"
          className="btn"
          disabled={!buyable || addToCart.isPending}
          aria-describedby={!started && !soldOut ? countdownId : undefined}
          data-testid="add-to-cart"
        >
          {!started && !soldOut ? "Not on sale yet" : "Add to cart"}
        </button>
      </form>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="sku-state">
        {stateWords(soldOut, started)}
      </p>
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
