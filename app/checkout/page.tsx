import type { Metadata } from "next";
import { randomUUID } from "node:crypto";
import Link from "next/link";
import { listAddresses } from "@/lib/orders/addresses";
import { cookies } from "next/headers";
import { currentUser } from "@/lib/auth/current";
import { getCart, type CartItem } from "@/lib/cart/service";
import { GUEST_COOKIE, ownerFor } from "@/lib/cart/guest";
import { accountRequiredMessage } from "@/lib/drops/limit-message";
import { env } from "@/lib/platform/env";
import { LaunchNote } from "@/app/components/LaunchNote";
import { LinesTable } from "@/app/components/LinesTable";
import { serverNow } from "@/app/components/server-now";
import { ERRORS, isAppError } from "@/lib/errors";
import { formatMoney, toCents } from "@/lib/money";
import { hasStarted } from "@/lib/drops/sale-start";
import { orderTooLargeError } from "@/lib/orders/draft";
import { AddressForm } from "./AddressForm";
import { CheckoutForm } from "./CheckoutForm";
import { GuestCheckoutForm } from "./GuestCheckoutForm";
import { LineFix } from "./LineFix";
import { overLimitMessage } from "@/lib/drops/limit-message";
import { buyableUnits } from "@/lib/catalog/availability";
import { soldOutSentence } from "@/lib/orders/sold-out-lines";

export const metadata: Metadata = { title: "Checkout" };
export const dynamic = "force-dynamic";

/** A line that would take the shopper past the SKU's per-customer limit, said before they submit. */
function limitNote({ perCustomerLimit: limit, alreadyBought, count }: CartItem): string | null {
  if (limit === null || alreadyBought + count <= limit) return null;
  return overLimitMessage({ limit, alreadyBought, asked: `you have ${count} in your cart` });
}

/** A line the stock cannot fill as it is now: said, with its one-click fix, before the shopper submits. */
function stockNote(l: CartItem): React.ReactNode {
  const left = buyableUnits(l);
  if (l.count <= left) return null;
  return (
    <span className="line-note blocked" data-testid={`stock-note-${l.skuId}`}>
      {left === 0 ? "Sold out: remove it to order the rest." : `Only ${left} left — you have ${l.count} in your cart.`}
      <LineFix skuId={l.skuId} name={l.name} available={left} />
    </span>
  );
}

/** The lines a refused checkout took out of the selection because they sold out (`?notice=sold-out&out=1,2`), as the cart now holds them. */
function takenOutLines(items: CartItem[], notice: string | undefined, out: string | undefined): CartItem[] {
  if (notice !== "sold-out" || !out) return [];
  const ids = new Set(out.split(",").map(Number));
  return items.filter((i) => ids.has(i.skuId) && !i.selected);
}

/**
 * Signed in: the saved addresses (chosen, edited, made default, removed here). A guest: e-mail,
 * address and payment on this one screen, no account needed, unless a line has a per-customer limit.
 */
export default async function CheckoutPage({ searchParams }: { searchParams: Promise<{ notice?: string; out?: string }> }) {
  const user = await currentUser();
  const { notice, out } = await searchParams;
  const owner = ownerFor(user?.id, (await cookies()).get(GUEST_COOKIE)?.value);
  let cart: Awaited<ReturnType<typeof getCart>>;
  let addresses: Awaited<ReturnType<typeof listAddresses>>;
  try {
    [cart, addresses] = await Promise.all([
      owner ? getCart(owner) : { items: [], selectedCount: 0, selectedTotal: "0.00", revision: "" },
      user ? listAddresses(user.id) : [],
    ]);
  } catch (e) {
    // Redis down: say so plainly (and that nothing was ordered) instead of the generic error page.
    if (!isAppError(e) || e.code !== "CART_UNAVAILABLE") throw e;
    return (
      <>
        <h1>Checkout</h1>
        <p className="alert error" role="alert">
          {e.message} Nothing has been ordered. <Link href="/checkout">Try again</Link>
        </p>
      </>
    );
  }
  const lines = cart.items.filter((i) => i.selected);
  const takenOut = takenOutLines(cart.items, notice, out);
  // One sentence names what sold out; the table below marks those lines, outside the subtotal.
  const soldOutNotice = takenOut.length > 0 && (
    <p className="alert error" role="alert" data-testid="sold-out-notice">
      {soldOutSentence(takenOut.map((l) => l.name))}
      {lines.length === 0 && (
        <>
          {" "}
          Nothing else is selected. <Link href="/cart" style={{ textDecoration: "underline" }}>Go to your cart</Link>
        </>
      )}
    </p>
  );
  if (lines.length === 0)
    return (
      <>
        <h1>Checkout</h1>
        {soldOutNotice || <p>
          Nothing is selected in your cart. <Link href="/cart">Go to your cart</Link>.
        </p>}
      </>
    );
  const freight = toCents(env().FREIGHT);
  // A fresh key per render: a double click or a resubmit of this form makes at most one order.
  const idempotencyKey = randomUUID();
  // The checkout's transaction decides; these say beforehand what it would refuse.
  const renderedAt = serverNow();
  const notes = new Map<number, React.ReactNode>();
  for (const l of lines) {
    const overLimit = user ? limitNote(l) : l.perCustomerLimit !== null ? accountRequiredMessage(l.name, l.perCustomerLimit) : null;
    const waiting = !hasStarted(l.saleStartsAt, renderedAt);
    const short = stockNote(l);
    if (!overLimit && !waiting && !short) continue;
    notes.set(
      l.skuId,
      <>
        {short}
        {overLimit && <span className="line-note blocked">{overLimit}</span>}
        {waiting && <LaunchNote startsAt={l.saleStartsAt!} renderedAt={renderedAt} />}
      </>,
    );
  }
  // Said before the shopper submits; the checkout refuses the same order with the same words.
  const tooLarge = orderTooLargeError(lines, freight);
  for (const l of takenOut) notes.set(l.skuId, <span className="line-note blocked">Sold out: taken out of this order and its subtotal.</span>);
  const tableLines = [...lines, ...takenOut].map((l) => ({ ...l, art: { category: l.category, hue: l.hue, variant: l.variant } }));
  const form = (
    <CheckoutForm
      key={idempotencyKey}
      addresses={addresses}
      idempotencyKey={idempotencyKey}
      cartRevision={cart.revision}
      submitLabel={takenOut.length > 0 ? "Buy the rest" : undefined}
    />
  );
  const needsAccount = !user && lines.some((l) => l.perCustomerLimit !== null);
  return (
    <>
      <h1>Checkout</h1>
      {notice === "cart-changed" && (
        <p className="alert info" role="status" data-testid="cart-changed">
          {ERRORS.CART_CHANGED.message} Nothing was ordered.
        </p>
      )}
      {soldOutNotice}
      <LinesTable lines={tableLines} label="Items to order" notes={notes} out={new Set(takenOut.map((l) => l.skuId))} />
      <div className="summary">
        <span>Subtotal {formatMoney(cart.selectedTotal)}</span>
        <span>Freight {formatMoney(freight)}</span>
        <strong data-testid="checkout-total">Total {formatMoney(toCents(cart.selectedTotal) + freight)}</strong>
      </div>
      {tooLarge && (
        <p className="alert error" data-testid="checkout-too-large" style={{ margin: "1rem 0 0" }}>
          {tooLarge.message}{" "}
          <Link href="/cart" style={{ textDecoration: "underline" }}>
            Change your cart
          </Link>
        </p>
      )}
      {notes.size > takenOut.length && (
        <p className="alert info" data-testid="checkout-notes" style={{ margin: "1rem 0 0" }}>
          Before you order, read the note under {notes.size - takenOut.length === 1 ? "that item" : `those ${notes.size - takenOut.length} items`}.{" "}
          {/* Underlined: in a sentence, colour alone does not tell a link from its text. */}
          <Link href="/cart" style={{ textDecoration: "underline" }}>
            Change your cart
          </Link>
        </p>
      )}
      {!user ? (
        <>
          <p className="alert info" data-testid={needsAccount ? "checkout-account-required" : "checkout-as-guest"} style={{ margin: "1rem 0 0" }}>
            {needsAccount ? "An item above has a limit per customer, so this order needs an account: " : "Checking out as a guest. Have an account? "}
            <Link href="/login?next=/checkout" style={{ textDecoration: "underline" }}>
              Log in
            </Link>
            {needsAccount && (
              <>
                {" "}or{" "}
                <Link href="/register?next=/checkout" style={{ textDecoration: "underline" }}>
                  create one
                </Link>
              </>
            )}
            .
          </p>
          <GuestCheckoutForm
            key={idempotencyKey}
            idempotencyKey={idempotencyKey}
            cartRevision={cart.revision}
            blocked={needsAccount}
            submitLabel={takenOut.length > 0 ? "Buy the rest" : undefined}
          />
        </>
      ) : addresses.length === 0 ? (
        // A first order: the address comes first, then the button that needs it.
        <>
          <section aria-labelledby="address-heading" className="checkout-address">
            <h2 id="address-heading">Where should we deliver?</h2>
            <p className="muted">Add a delivery address to place your order.</p>
            <AddressForm />
          </section>
          {form}
        </>
      ) : (
        <>
          {form}
          <details className="add-address">
            <summary>Add a new address</summary>
            <AddressForm />
          </details>
        </>
      )}
    </>
  );
}
