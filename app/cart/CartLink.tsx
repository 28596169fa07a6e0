"use client";

import Link from "next/link";
import { useCart } from "./queries";

export function CartLink() {
  const { data } = useCart();
  const count = data?.items.reduce((n, i) => n + i.count, 0) ?? 0;
  return (
    // Named by what it shows ("Cart 2"), so speech input can say it; the count's own words follow for screen readers.
    <Link href="/cart" className="cart-link">
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path d="M3 4h2l2.4 11h10.2L20 7H6.2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" strokeLinecap="round" />
        <circle cx="9" cy="19.5" r="1.5" fill="currentColor" />
        <circle cx="17" cy="19.5" r="1.5" fill="currentColor" />
      </svg>
      <span className="cart-word">Cart</span>
      {count > 0 && (
        <>
          {/* Spaces for the name ("Cart 2 items"); a flex container draws none. */}{" "}
          <span className="cart-count" data-testid="cart-count">
            {count}
          </span>
          <span className="visually-hidden"> {count === 1 ? "item" : "items"}</span>
        </>
      )}
    </Link>
  );
}
