"use client";

import { useState } from "react";
import { StockBadge } from "@/app/components/StockBadge";
import { LaunchTime } from "@/app/components/LaunchTime";
import { timeLeft } from "@/app/components/launch";
import { useServerNow } from "@/app/components/server-clock";
import { ProductArt } from "@/app/components/ProductArt";
import { useAddToCart, useCart } from "@/app/cart/queries";
import type { CatalogSku } from "@/lib/catalog/products";
import type { ImageView } from "@/lib/images/urls";
import { MAX_LINE_QTY } from "@/lib/cart/limits";
import { formatMoney } from "@/lib/money";
import { hasStarted } from "@/lib/drops/sale-start";
import { overlay, useLiveStock } from "@/app/components/live-stock";
import { buyableUnits } from "@/lib/catalog/availability";
import { limitLabel } from "@/lib/drops/limit-message";
import { Gallery } from "./Gallery";
import { AccountRequiredNote } from "@/app/session/AccountRequiredNote";
import { useMe } from "@/app/session/queries";

type Props = { productName: string; category: string; hue: number; skus: CatalogSku[]; renderedAt: number; children: React.ReactNode; images?: ImageView[] };

/** The most of one variant the shopper can add now, and the reason it is not more. */
function addable(sku: CatalogSku, inCart: number) {
  const caps: [number, string][] = [
    [sku.stock - inCart, `${sku.stock > 5 ? `${sku.stock} in stock` : `Only ${sku.stock} left`}${inCart > 0 ? ` and ${inCart} already in your cart` : ""}`],
    [MAX_LINE_QTY - inCart, inCart > 0 ? `Up to ${MAX_LINE_QTY} per item, and ${inCart} already in your cart` : `Up to ${MAX_LINE_QTY} per item`],
  ];
  if (sku.perCustomerLimit !== null) caps.push([sku.perCustomerLimit - inCart, `${limitLabel(sku.perCustomerLimit)}${inCart > 0 ? `, and ${inCart} already in your cart` : ""}`]);
  const [max, why] = caps.reduce((a, b) => (b[0] < a[0] ? b : a));
  return { max: Math.max(0, max), why };
}

/** What a screen reader hears when the selected variant's state changes (not every tick or every unit sold). */
function stateWords(soldOut: boolean, started: boolean) {
  if (soldOut) return "Sold out.";
  return started ? "On sale now." : "Not on sale yet.";
}

export function VariantPicker({ productName, category, hue, skus: rendered, renderedAt, children, images = [] }: Props) {
  const live = useLiveStock(rendered.map((s) => s.skuId));
  // Stock and what an admin edits (price, on sale, limit, launch) move while the page is open; names come with the page.
  const skus = overlay(rendered, live.data);
  const firstAvailable = rendered.find((s) => buyableUnits(s) > 0) ?? rendered[0];
  const [skuId, setSkuId] = useState(firstAvailable?.skuId);
  const [count, setCount] = useState(1);
  const addToCart = useAddToCart();
  const cart = useCart();
  const me = useMe();
  // What the cart held of the variant when Add was pressed: the answer says how many were really added.
  const [asked, setAsked] = useState<{ skuId: number; before: number; count: number } | null>(null);
  const sku = skus.find((s) => s.skuId === skuId);
  const launchAt = sku?.saleStartsAt ? Date.parse(sku.saleStartsAt) : null;
  const now = useServerNow(renderedAt, launchAt, live.data);
  // Uploaded pictures when the product has any; the drawn art otherwise.
  const art =
    images.length > 0 ? (
      <div className="product-hero">
        <Gallery images={images} skuId={sku?.skuId} />
      </div>
    ) : (
      <div className="card product-hero">
        <ProductArt category={category} hue={hue} label={sku ? `${productName} — ${sku.name}` : productName} variant={sku?.name} size="hero" />
      </div>
    );
  if (!sku)
    return (
      <>
        {art}
        <div>
          {children}
          <p>This product has no variants for sale.</p>
        </div>
      </>
    );

  const soldOut = buyableUnits(sku) === 0;
  const started = hasStarted(sku.saleStartsAt, now);
  const buyable = !soldOut && started;
  const inCart = cart.data?.items.find((i) => i.skuId === sku.skuId)?.count ?? 0;
  const cap = addable(sku, inCart);
  const maxCount = cap.max;
  const shown = Math.max(1, Math.min(count, maxCount || 1));
  const countdownId = `launch-${sku.skuId}`;
  const added = asked && addToCart.isSuccess && asked.skuId === sku.skuId ? (addToCart.data.items.find((i) => i.skuId === sku.skuId)?.count ?? 0) - asked.before : null;

  return (
    <>
    {art}
    <div>
    {children}
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
            {limitLabel(sku.perCustomerLimit)}
          </span>
        )}
      </div>
      {/* Said before a guest queues up: checkout refuses them ACCOUNT_REQUIRED. */}
      {sku.perCustomerLimit !== null && me.data === null && <AccountRequiredNote testId="sku-account-required" />}
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
          if (!buyable || maxCount === 0) return;
          setAsked({ skuId: sku.skuId, before: inCart, count: shown });
          addToCart.mutate({ skuId: sku.skuId, count: shown });
        }}
      >
        <label className="field" style={{ margin: 0 }}>
          <span className="visually-hidden">Quantity</span>
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={Math.max(1, maxCount)}
            value={shown}
            onChange={(e) => {
              setCount(Math.max(1, Math.min(maxCount, Math.trunc(Number(e.target.value)) || 1)));
              addToCart.reset();
            }}
            style={{ width: "5.5rem", minHeight: 44 }}
            aria-label="Quantity"
            aria-describedby={buyable ? "qty-cap" : undefined}
            disabled={!buyable || maxCount === 0}
          />
        </label>
        <button
          type="submit"
          className="btn"
          disabled={!buyable || maxCount === 0 || addToCart.isPending}
          aria-describedby={!started && !soldOut ? countdownId : undefined}
          data-testid="add-to-cart"
        >
          {!started && !soldOut ? "Not on sale yet" : addToCart.isPending ? "Adding…" : "Add to cart"}
        </button>
      </form>
      {buyable && (
        <p id="qty-cap" className="muted qty-cap" data-testid="qty-cap" style={{ margin: 0 }}>
          {maxCount === 0
            ? inCart > 0
              ? `${cap.why}: you cannot add more.`
              : `${cap.why}.`
            : `${cap.why}, so you can add up to ${maxCount}.`}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="sku-state">
        {stateWords(soldOut, started)}
      </p>
      <div aria-live="polite">
        {addToCart.isSuccess && added !== null && (
          <p className="alert success" role="status">
            {added > 0 ? `Added ${added} × ${productName} (${sku.name}) to your cart.` : `Nothing more of ${productName} (${sku.name}) fits in your cart.`}
            {added > 0 && asked && added < asked.count ? ` Only ${added} of the ${asked.count} you asked for could be added.` : ""}{" "}
            <a href="/cart">View cart</a>
          </p>
        )}
        {addToCart.isError && (
          <p className="alert error" role="alert">
            {addToCart.error.message}
          </p>
        )}
      </div>
    </div>
    </div>
    </>
  );
}
