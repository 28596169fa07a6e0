import { expect, type Page } from "@playwright/test";
import { sql } from "./fixtures";

export type Role = "guest" | "shopper" | "admin";

/**
 * Storage states the setup project writes (git-ignored): one login per role for the whole run.
 * Per port: a run against another server (E2E_PORT) has its own sessions.
 */
const AUTH_DIR = `e2e/.auth/${process.env.E2E_PORT ?? 3100}`;
export const AUTH_FILE = { shopper: `${AUTH_DIR}/shopper.json`, admin: `${AUTH_DIR}/admin.json` } as const;

export const VIEWPORTS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 } } as const;

/** The audit shopper's name, so the specs can find the order the setup placed for them. */
export const AUDIT_SHOPPER_FILE = `${AUTH_DIR}/shopper-name.txt`;

/**
 * Every page a role can reach, with the content that proves it rendered (not an error page).
 * A guest is sent to /login from the private pages; the shopper sees the admin's 403.
 */
export async function pagesFor(role: Role, shopperName?: string): Promise<{ path: string; name: string }[]> {
  const [product] = await sql<{ id: number }[]>("SELECT id FROM spus ORDER BY id LIMIT 1");
  const pages = [
    { path: "/", name: "catalog" },
    { path: `/products/${product!.id}`, name: "product" },
    { path: "/cart", name: "cart" },
    { path: "/checkout", name: "checkout" },
    { path: "/orders", name: "orders" },
    { path: "/login", name: "login" },
    { path: "/register", name: "register" },
    { path: "/admin", name: "admin" },
  ];
  const owner = role === "shopper" ? shopperName : role === "admin" ? "admin" : undefined;
  if (owner) {
    const [order] = await sql<{ id: string }[]>(
      "SELECT orders.id FROM orders JOIN users ON users.id = orders.user_id WHERE users.username = ? ORDER BY orders.created_at DESC LIMIT 1",
      [owner],
    );
    if (order) pages.splice(5, 0, { path: `/orders/${order.id}`, name: "order" });
  }
  return pages;
}

/** Waits until the page has painted its main content and no request is in flight. */
export async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("main")).toBeVisible();
}

/** Horizontal overflow of the page itself (a contained table scroller is fine). */
export const pageOverflow = (page: Page) =>
  page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
