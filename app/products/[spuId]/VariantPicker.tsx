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
import { quantityProblem, roomToAdd } from "@/lib/cart/limits";
import { formatMoney } from "@/lib/money";
import { hasStarted } from "@/lib/drops/sale-start";
import { overlay, useLiveStock } from "@/app/components/live-stock";
import { buyableUnits } from "@/lib/catalog/availability";
import { limitLabel } from "@/lib/drops/limit-message";
import { Gallery } from "./Gallery";
import { AccountRequiredNote } from "@/app/session/AccountRequiredNote";
import { useMe } from "@/app/session/queries";
import { NotifyMe } from "@/app/components/NotifyMe";
import { BuyBar } from "./BuyBar";
import { WaitingRoom } from "./WaitingRoom";

type Props = { productName: string; category: string; hue: number; skus: CatalogSku[]; renderedAt: number; children: React.ReactNode; images?: ImageView[] };

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
  // What was typed, as typed: a quantity that cannot be added is said, never quietly changed.
  const [typed, setTyped] = useState("1");
  const [tried, setTried] = useState(false);
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
  // The product page knows the stock, the limit and the cart; the server checks again when Add is pressed.
  const room = roomToAdd({ stock: buyableUnits(sku), perCustomerLimit: sku.perCustomerLimit, inCart });
  const problem = buyable && room.max > 0 ? quantityProblem(typed, room) : null;
  // Too many is said as soon as it is typed; an empty or zero field only once Add is pressed.
  const shownProblem = problem && (tried || Number(typed) > room.max) ? problem : null;
  const countdownId = `launch-${sku.skuId}`;
  // A waiting room's drop says what fits once the shopper is let in, inside its panel's form.
  const capShown = buyable && !sku.waitingRoom;
  const added = asked && addToCart.isSuccess && asked.skuId === sku.skuId ? (addToCart.data.items.find((i) => i.skuId === sku.skuId)?.count ?? 0) - asked.before : null;
  const buttonWords = soldOut ? "Sold out" : !started ? "Not on sale yet" : addToCart.isPending ? "Adding…" : "Add to cart";

  // A waiting room's drop shows this only to a shopper it let in (WaitingRoom).
  const buyForm = (
    <>
      <form
        className="row buy-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          // The server decides at checkout; this only keeps the button honest with the server's clock.
          if (!buyable || room.max === 0 || problem) return;
          const count = Number(typed);
          setAsked({ skuId: sku.skuId, before: inCart, count });
          addToCart.mutate({ skuId: sku.skuId, count });
        }}
      >
        <label className="field buy-qty">
          <span className="visually-hidden">Quantity</span>
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={Math.max(1, room.max)}
            value={buyable ? typed : "1"}
            onChange={(e) => {
              setTyped(e.target.value);
              addToCart.reset();
            }}
            aria-label="Quantity"
            aria-invalid={shownProblem ? true : undefined}
            aria-describedby={shownProblem ? "qty-error" : capShown ? "qty-cap" : undefined}
            disabled={!buyable || room.max === 0}
          />
        </label>
        <button
          type="submit"
          className="btn buy-button"
          disabled={!buyable || room.max === 0 || addToCart.isPending}
          aria-describedby={!started && !soldOut ? countdownId : undefined}
          data-testid="add-to-cart"
        >
          {buttonWords}
        </button>
      </form>
      <div aria-live="polite" className="buy-status">
        {shownProblem && (
          <p id="qty-error" className="field-error" data-testid="qty-error" style={{ margin: 0 }}>
            {shownProblem}
          </p>
        )}
        {addToCart.isSuccess && added !== null && (
          <p className="alert success" role="status" data-testid="added">
            {added > 0 ? `Added ${added} × ${productName} (${sku.name}) to your cart.` : `Nothing more of ${productName} (${sku.name}) fits in your cart.`}
            {added > 0 && asked && added < asked.count ? ` Only ${added} of the ${asked.count} you asked for could be added.` : ""}{" "}
            {sku.waitingRoom ? <a href="/checkout">Check out now</a> : <a href="/cart">View cart</a>}
          </p>
        )}
        {addToCart.isError && (
          <p className="alert error" role="alert">
            {addToCart.error.message}
          </p>
        )}
      </div>
    </>
  );

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
                <label key={s.skuId} className="variant" data-testid={`variant-${s.skuId}`}>
                  <input
                    type="radio"
                    name="sku"
                    value={s.skuId}
                    checked={s.skuId === skuId}
                    onChange={() => {
                      setSkuId(s.skuId);
                      setTyped("1");
                      setTried(false);
                      addToCart.reset();
                    }}
                  />
                  {s.name}
                  {buyableUnits(s) === 0 && <span className="badge sold_out variant-sold-out">Sold out</span>}
                </label>
              ))}
            </fieldset>
          )}
          <BuyBar>
            <div className="row buy-facts">
              <span className="price" data-testid="sku-price" aria-live="polite">
                {formatMoney(sku.price)}
              </span>
              {/* Live: these change while the page is open, so they are not a live region (the status below says what matters). */}
              <span data-testid="sku-stock">
                <StockBadge stock={sku.stock} onSale={sku.onSale} />
              </span>
              {sku.onSale && sku.stock > 5 && (
                <span className="muted hide-narrow" data-testid="sku-left">
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
            {sku.perCustomerLimit !== null && me.data === null && !sku.waitingRoom && <AccountRequiredNote testId="sku-account-required" />}
            {!started && sku.saleStartsAt && launchAt !== null && (
              <p className="alert info launch" id={countdownId} style={{ margin: 0 }}>
                On sale in{" "}
                <strong role="timer" data-testid="launch-countdown">
                  {timeLeft(launchAt - now)}
                </strong>{" "}
                · at <LaunchTime iso={sku.saleStartsAt} />
              </p>
            )}
            {sku.waitingRoom ? (
              <WaitingRoom skuId={sku.skuId} signedIn={me.data === undefined ? undefined : me.data !== null} soldOut={soldOut}>
                {buyForm}
              </WaitingRoom>
            ) : (
              buyForm
            )}
          </BuyBar>
          {/* Keyed by variant: another variant's form starts empty. Shown once the signed-in check has answered. */}
          {sku.stock === 0 && !me.isPending && <NotifyMe key={sku.skuId} skuId={sku.skuId} name={`${productName} — ${sku.name}`} signedIn={Boolean(me.data)} />}
          {capShown && (
            <p id="qty-cap" className="muted qty-cap" data-testid="qty-cap" style={{ margin: 0 }}>
              {room.max === 0 ? `${room.why}. You cannot add more.` : `${room.why}, so you can add up to ${room.max}.`}
            </p>
          )}
          <p className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="sku-state">
            {stateWords(soldOut, started)}
          </p>
        </div>
      </div>
    </>
  );
}
