import type { Metadata } from "next";
import Link from "next/link";
import { logoutAction } from "@/app/actions/auth";
import { CartLink } from "@/app/cart/CartLink";
import { currentUser } from "@/lib/auth/current";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Stockroom", template: "%s · Stockroom" },
  description: "A shop whose checkout never oversells.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="site-header">
            <div className="inner">
              <Link href="/" className="brand">
                Stock<span>room</span>
              </Link>
              <nav aria-label="Main">
                <Link href="/">Shop</Link>
                {user?.role === "admin" && <Link href="/admin">Admin</Link>}
                {user && <Link href="/orders">Orders</Link>}
                <CartLink />
                {user ? (
                  <>
                    <span className="user-chip" data-testid="current-user">
                      Signed in as <strong>{user.username}</strong>
                    </span>
                    <form action={logoutAction}>
                      <button type="submit" className="btn secondary small">
                        Log out
                      </button>
                    </form>
                  </>
                ) : (
                  <>
                    <Link href="/login">Log in</Link>
                    <Link href="/register" className="btn small">
                      Register
                    </Link>
                  </>
                )}
              </nav>
            </div>
          </header>
          <main className="container">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
