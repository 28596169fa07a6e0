"use client";

import Link from "next/link";
import { useCart } from "./queries";

export function CartLink() {
  const { data } = useCart();
  const count = data?.items.reduce((n, i) => n + i.count, 0) ?? 0;
  return (
    <Link href="/cart" aria-label={count ? `Cart, ${count} items` : "Cart"}>
      Cart
      {count > 0 && (
        <span className="cart-count" data-testid="cart-count">
          {count}
        </span>
      )}
    </Link>
  );
}
