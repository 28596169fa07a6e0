import type { Metadata } from "next";
import { randomUUID } from "node:crypto";
import Link from "next/link";
import { listAddresses } from "@/lib/addresses";
import { requirePageUser } from "@/lib/auth/current";
import { getCart, type CartItem } from "@/lib/cart/service";
import { userOwner } from "@/lib/cart/store";
import { env } from "@/lib/env";
import { LaunchNote } from "@/app/components/LaunchNote";
import { LinesTable } from "@/app/components/LinesTable";
import { serverNow } from "@/app/components/server-now";
import { isAppError } from "@/lib/errors";
import { formatMoney, toCents } from "@/lib/money";
import { hasStarted } from "@/lib/sale-start";
import { AddressForm } from "./AddressForm";
import { CheckoutForm } from "./CheckoutForm";

export const metadata: Metadata = { title: "Checkout" };
export const dynamic = "force-dynamic";

/** A line that would take the shopper past the SKU's per-customer limit, said before they submit. */
function limitNote({ perCustomerLimit: limit, alreadyBought, count }: CartItem): string | null {
  if (limit === null || alreadyBought + count <= limit) return null;
  const head = `Limit ${limit} per customer`;
  if (alreadyBought === 0) return `${head} — you have ${count} in your cart.`;
  const left = limit - alreadyBought;
  return left > 0 ? `${head} — you already have ${alreadyBought}, so you can buy ${left} more.` : `${head} — you already have ${alreadyBought}.`;
}

export default async function CheckoutPage() {
  const user = await requirePageUser("/checkout");
  let cart: Awaited<ReturnType<typeof getCart>>;
  let addresses: Awaited<ReturnType<typeof listAddresses>>;
  try {
    [cart, addresses] = await Promise.all([getCart(userOwner(user.id)), listAddresses(user.id)]);
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
  if (lines.length === 0)
    return (
      <>
        <h1>Checkout</h1>
        <p>
          Nothing is selected in your cart. <Link href="/cart">Go to your cart</Link>.
        </p>
      </>
    );
  const freight = toCents(env().FREIGHT);
  // The checkout's transaction decides; these say beforehand what it would refuse.
  const renderedAt = serverNow();
  const notes = new Map<number, React.ReactNode>();
  for (const l of lines) {
    const overLimit = limitNote(l);
    const waiting = !hasStarted(l.saleStartsAt, renderedAt);
    if (!overLimit && !waiting) continue;
    notes.set(
      l.skuId,
      <>
        {overLimit && <span className="line-note blocked">{overLimit}</span>}
        {waiting && <LaunchNote startsAt={l.saleStartsAt!} renderedAt={renderedAt} />}
      </>,
    );
  }
  return (
    <>
      <h1>Checkout</h1>
      <LinesTable lines={lines} label="Items to order" notes={notes} />
      <div className="summary">
        <span>Subtotal {formatMoney(cart.selectedTotal)}</span>
        <span>Freight {formatMoney(freight)}</span>
        <strong data-testid="checkout-total">Total {formatMoney(toCents(cart.selectedTotal) + freight)}</strong>
      </div>
      {notes.size > 0 && (
        <p className="alert info" data-testid="checkout-notes" style={{ margin: "1rem 0 0" }}>
          Before you order, read the note under {notes.size === 1 ? "that item" : `those ${notes.size} items`}.{" "}
          {/* Underlined: in a sentence, colour alone does not tell a link from its text. */}
          <Link href="/cart" style={{ textDecoration: "underline" }}>
            Change your cart
          </Link>
        </p>
      )}
      {/* A fresh key per render: a double click or a resubmit of this form makes at most one order. */}
      <CheckoutForm addresses={addresses} idempotencyKey={randomUUID()} cartRevision={cart.revision} />
      <details open={addresses.length === 0} style={{ marginTop: "1.5rem" }}>
        <summary>Add a new address</summary>
        <AddressForm />
      </details>
    </>
  );
}
