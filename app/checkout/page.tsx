import type { Metadata } from "next";
import { randomUUID } from "node:crypto";
import Link from "next/link";
import { listAddresses } from "@/lib/addresses";
import { requirePageUser } from "@/lib/auth/current";
import { getCart } from "@/lib/cart/service";
import { userOwner } from "@/lib/cart/store";
import { env } from "@/lib/env";
import { LinesTable } from "@/app/components/LinesTable";
import { isAppError } from "@/lib/errors";
import { formatMoney, toCents } from "@/lib/money";
import { AddressForm } from "./AddressForm";
import { CheckoutForm } from "./CheckoutForm";

export const metadata: Metadata = { title: "Checkout" };
export const dynamic = "force-dynamic";

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
  return (
    <>
      <h1>Checkout</h1>
      <LinesTable lines={lines} label="Items to order" />
      <div className="summary">
        <span>Subtotal {formatMoney(cart.selectedTotal)}</span>
        <span>Freight {formatMoney(freight)}</span>
        <strong data-testid="checkout-total">Total {formatMoney(toCents(cart.selectedTotal) + freight)}</strong>
      </div>
      {/* A fresh key per render: a double click or a resubmit of this form makes at most one order. */}
      <CheckoutForm addresses={addresses} idempotencyKey={randomUUID()} cartRevision={cart.revision} />
      <details open={addresses.length === 0} style={{ marginTop: "1.5rem" }}>
        <summary>Add a new address</summary>
        <AddressForm />
      </details>
    </>
  );
}
