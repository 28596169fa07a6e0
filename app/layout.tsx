import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { CartLink } from "@/app/cart/CartLink";
import { HeaderAccount } from "@/app/header/HeaderAccount";
import { HeaderMenu } from "@/app/header/HeaderMenu";
import { HeaderSearch, HeaderSearchFallback } from "@/app/header/HeaderSearch";
import { WHO_NAME_SCRIPT, WHO_SCRIPT } from "@/lib/auth/who";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Stockroom", template: "%s · Stockroom" },
  description: "A shop whose checkout never oversells.",
};

// Static: what depends on the shopper (account links, cart count) is filled in by the browser, so
// public pages can be cached for everyone. The account links are right from the first paint: two
// inline scripts read a display-only cookie before the body is drawn (lib/auth/who.ts).
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    // The head script marks <html> before React hydrates it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: WHO_SCRIPT }} />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Providers>
          <header className="site-header">
            <div className="inner">
              <Link href="/" className="brand" aria-label="Stockroom, home">
                <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
                  <rect width="32" height="32" rx="8" fill="#2f5bea" />
                  <path d="M8 12h16v12H8z M6 8h20v4H6z" fill="#fff" />
                  <path d="M13 16h6" stroke="#2f5bea" strokeWidth="2" strokeLinecap="round" />
                </svg>
                <span className="brand-word">
                  Stock<span>room</span>
                </span>
              </Link>
              <Suspense fallback={<HeaderSearchFallback />}>
                <HeaderSearch />
              </Suspense>
              <nav aria-label="Main" className="site-nav">
                <HeaderMenu>
                  <Link href="/">Shop</Link>
                  <HeaderAccount />
                </HeaderMenu>
                <CartLink />
              </nav>
            </div>
          </header>
          <script dangerouslySetInnerHTML={{ __html: WHO_NAME_SCRIPT }} />
          <main id="main" className="container" tabIndex={-1}>
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
