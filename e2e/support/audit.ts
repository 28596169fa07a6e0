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

/** The console's rooms after its home, each with its h1 (e2e/admin-rooms.spec.ts walks them too). */
export const ADMIN_ROOMS = [
  { path: "/admin/products", heading: "Products" },
  { path: "/admin/stock", heading: "Stock" },
  { path: "/admin/orders", heading: "Orders" },
  { path: "/admin/emails", heading: "E-mails" },
  { path: "/admin/drops", heading: "Drops" },
  { path: "/admin/locations", heading: "Locations" },
] as const;

/** A page to audit, and the main heading only that page shows (the error and not-found pages show neither). */
export type AuditedPage = { path: string; name: string; heading: string | RegExp };

/**
 * Every page a role can reach, with the heading that proves it rendered (not an error page).
 * A guest is sent to /login from the private pages; the shopper sees the admin's 403.
 */
export async function pagesFor(role: Role, shopperName?: string): Promise<AuditedPage[]> {
  const [product] = await sql<{ id: number; name: string }[]>("SELECT id, name FROM spus ORDER BY id LIMIT 1");
  const signedIn = (heading: string) => (role === "guest" ? "Log in" : heading);
  const pages: AuditedPage[] = [
    { path: "/", name: "catalog", heading: "Shop" },
    { path: `/products/${product!.id}`, name: "product", heading: product!.name },
    { path: "/cart", name: "cart", heading: "Your cart" },
    { path: "/checkout", name: "checkout", heading: "Checkout" },
    { path: "/orders", name: "orders", heading: signedIn("Your orders") },
    { path: "/login", name: "login", heading: "Log in" },
    { path: "/register", name: "register", heading: "Create your account" },
    { path: "/admin", name: "admin", heading: { guest: "Log in", shopper: "403 · Admins only", admin: "Home" }[role] },
  ];
  // The console's other rooms: each its own page (a guest and a shopper meet the same door as at /admin).
  if (role === "admin") pages.push(...ADMIN_ROOMS.map(({ path, heading }) => ({ path, name: `room-${heading.toLowerCase()}`, heading })));
  const owner = role === "shopper" ? shopperName : role === "admin" ? "admin" : undefined;
  if (owner) {
    const [order] = await sql<{ id: string }[]>(
      "SELECT orders.id FROM orders JOIN users ON users.id = orders.user_id WHERE users.username = ? ORDER BY orders.created_at DESC LIMIT 1",
      [owner],
    );
    if (order) pages.splice(5, 0, { path: `/orders/${order.id}`, name: "order", heading: /^Order / });
  }
  return pages;
}

/** Waits until the page has painted its main content and no request is in flight. */
export async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("main")).toBeVisible();
}

/**
 * Null once the page shows its own main heading, else what it shows instead: the error boundary
 * and the not-found page render inside `main` too, so `settle` alone would pass them.
 */
export async function missingHeading(page: Page, { heading }: AuditedPage): Promise<string | null> {
  const own = page.getByRole("heading", { level: 1, name: heading, exact: typeof heading === "string" });
  if (await own.waitFor({ timeout: 10_000 }).then(() => true, () => false)) return null;
  const shown = (await page.getByRole("main").innerText()).replace(/\s+/g, " ").slice(0, 120);
  return `no heading ${JSON.stringify(String(heading))}; the page shows "${shown}"`;
}

/** Horizontal overflow of the page itself (a contained table scroller is fine). */
export const pageOverflow = (page: Page) =>
  page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
