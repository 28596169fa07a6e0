import { readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { LoginPage, newUsername } from "./pages/login";
import { makeVariant, setWaitingRoom } from "./support/fixtures";
import { ShopPage } from "./pages/shop";

const ADMIN = { username: "admin", password: "admin12345" };

async function registerShopper(request: APIRequestContext) {
  const res = await request.post("/api/auth/register", { data: { username: newUsername("sec"), password: "password123" } });
  expect(res.status()).toBe(201);
  const address = await request.post("/api/addresses", { data: { name: "E2E Sec", email: "e2e@example.com", phone: "+1 555 0142", line1: "3 Header Road", city: "Portland", region: "Testland", postcode: "97201", country: "US" } });
  expect(address.status()).toBe(201);
  return { setCookie: res.headers()["set-cookie"] ?? "", addressId: (await address.json()).address.id as number };
}

type Caller = "anonymous" | "shopper" | "other" | "admin";

async function contextFor(browser: Browser, caller: Caller) {
  const context = await browser.newContext();
  if (caller === "shopper" || caller === "other") await registerShopper(context.request);
  if (caller === "admin") expect((await context.request.post("/api/auth/login", { data: ADMIN })).status()).toBe(200);
  return context;
}

/** Console messages that mean the Content-Security-Policy blocked something. */
function watchCsp(page: Page, into: string[]) {
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(m.text())) into.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => into.push(`${page.url()}: ${e.message}`));
}

function pageRoutes(dir = path.resolve(import.meta.dirname, "../app"), prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return pageRoutes(path.join(dir, e.name), `${prefix}/${e.name}`);
    return e.name === "page.tsx" ? [prefix || "/"] : [];
  });
}

test("every page as anonymous, shopper, another shopper and admin, with no CSP violation on any", async ({ browser }) => {
  test.slow();
  // A SKU of its own: other specs count units on the seeded ones.
  const { spuId, skuId } = await makeVariant("Harbor Canvas Backpack", { stock: 50, price: "9.00" });
  const contexts: Record<string, BrowserContext> = Object.fromEntries(
    await Promise.all((["anonymous", "shopper", "other", "admin"] as Caller[]).map(async (c) => [c, await contextFor(browser, c)])),
  );
  // The shopper has an order, and a line in the cart so the checkout page shows its form.
  const shopper = contexts.shopper!.request;
  const addresses = (await (await shopper.get("/api/addresses")).json()).addresses as { id: number }[];
  expect((await shopper.post("/api/cart/items", { data: { skuId, count: 1 } })).status()).toBe(201);
  const order = await shopper.post("/api/orders", { data: { addressId: addresses[0]!.id, payMethod: "cod" }, headers: { "Idempotency-Key": newUsername("key-") } });
  expect(order.status()).toBe(201);
  const orderId = (await order.json()).order.orderId as string;
  expect((await shopper.post("/api/cart/items", { data: { skuId, count: 1 } })).status()).toBe(201);

  // The catalog's views (`/`, `/?q=…`) are served by /catalog/[view].
  const urls: Record<string, string> = {
    "/catalog/[view]": "/?sort=newest",
    "/products/[spuId]": `/products/${spuId}`,
    "/orders/[orderId]": `/orders/${orderId}`,
    "/admin/drops/[skuId]": `/admin/drops/${skuId}`,
    "/admin/products/[spuId]": `/admin/products/${spuId}`,
    "/admin/orders/[orderId]": `/admin/orders/${orderId}`,
    // An unsubscribe link that does not verify: the page says so (200), for everyone.
    "/stock-alerts/[token]": "/stock-alerts/1.not-a-real-signature",
  };
  // ok: the page renders; login: sent to /login?next=...; 403: the admins-only page with status 403; 404: not found.
  const adminOnly = { anonymous: "login", shopper: "403", other: "403", admin: "ok" };
  const expected: Record<string, Record<Caller, string>> = {
    "/admin": adminOnly,
    "/admin/drops": adminOnly,
    "/admin/drops/[skuId]": adminOnly,
    "/admin/emails": adminOnly,
    "/admin/locations": adminOnly,
    "/admin/orders": adminOnly,
    "/admin/orders/[orderId]": adminOnly,
    "/admin/orders/slips": adminOnly,
    "/admin/products": adminOnly,
    "/admin/products/[spuId]": adminOnly,
    "/admin/products/new": adminOnly,
    "/admin/stock": adminOnly,
    "/cart": { anonymous: "ok", shopper: "ok", other: "ok", admin: "ok" },
    "/catalog/[view]": { anonymous: "ok", shopper: "ok", other: "ok", admin: "ok" },
    // A guest checks out without an account (an empty guest cart shows the page, with nothing to order).
    "/checkout": { anonymous: "ok", shopper: "ok", other: "ok", admin: "ok" },
    "/login": { anonymous: "ok", shopper: "ok", other: "ok", admin: "ok" },
    "/orders": { anonymous: "login", shopper: "ok", other: "ok", admin: "ok" },
    "/orders/[orderId]": { anonymous: "login", shopper: "ok", other: "404", admin: "404" },
    "/products/[spuId]": { anonymous: "ok", shopper: "ok", other: "ok", admin: "ok" },
    "/register": { anonymous: "ok", shopper: "ok", other: "ok", admin: "ok" },
    "/stock-alerts/[token]": { anonymous: "ok", shopper: "ok", other: "ok", admin: "ok" },
  };
  expect(pageRoutes().sort()).toEqual(Object.keys(expected).sort());

  const violations: string[] = [];
  const got: Record<string, Record<string, string>> = {};
  // The four callers side by side (each its own context and page): the routes one after another for each.
  await Promise.all(
    Object.entries(contexts).map(async ([caller, context]) => {
      const page = await context.newPage();
      watchCsp(page, violations);
      for (const route of Object.keys(expected)) {
        const res = await page.goto(urls[route] ?? route);
        await page.waitForLoadState("networkidle");
        let outcome = "ok";
        if (/\/login\?next=/.test(page.url()) && route !== "/login") outcome = "login";
        else if (res?.status() === 404) outcome = "404";
        else if (res?.status() === 403 && (await page.getByRole("heading", { name: "403 · Admins only" }).count())) outcome = "403";
        else if (!res?.ok()) outcome = String(res?.status());
        (got[route] ??= {})[caller] = outcome;
      }
    }),
  );
  expect(got).toEqual(expected);
  // The checkout page really rendered its form (hydrated client components under the CSP).
  const checkout = await contexts.shopper!.newPage();
  watchCsp(checkout, violations);
  await checkout.goto("/checkout");
  await expect(checkout.getByRole("button", { name: /place order/i })).toBeVisible();
  // A drop with a waiting room: the ALTCHA widget loads and its proof-of-work workers run under the CSP, and the shopper is let in.
  const queued = await makeVariant("Harbor Canvas Backpack", { stock: 5, perCustomerLimit: 1 });
  await setWaitingRoom(queued.skuId, { admitPerSecond: 100, passMinutes: 5, difficulty: 20 });
  const drop = await contexts.other!.newPage();
  watchCsp(drop, violations);
  await new ShopPage(drop).openVariant(queued);
  await drop.getByRole("button", { name: "Join the line" }).click();
  await expect(drop.getByTestId("queue-admitted")).toBeVisible();
  expect(violations).toEqual([]);
  await Promise.all(Object.values(contexts).map((c) => c.close()));
});

test("security headers on pages and API responses", async ({ request }) => {
  for (const url of ["/", "/login", "/api/health", "/api/products"]) {
    const headers = (await request.get(url)).headers();
    const csp = headers["content-security-policy"] ?? "";
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"]) {
      expect(csp, url).toContain(directive);
    }
    expect(csp).not.toContain("unsafe-eval");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(headers["x-powered-by"]).toBeUndefined();
  }
});

test("the session cookie is HttpOnly, SameSite=Lax and Secure in production", async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const { setCookie } = await registerShopper(request);
  const cookie = setCookie.split("\n").find((c) => c.startsWith("stockroom_session="))!;
  expect(cookie).toMatch(/;\s*HttpOnly/i);
  expect(cookie).toMatch(/;\s*SameSite=Lax/i);
  expect(cookie).toMatch(/;\s*Secure/i);
  await request.dispose();
});

test("cross-origin posts run neither a server action nor a state-changing route", async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const request = context.request;
  await registerShopper(request);
  // The header's "Log out" button runs a server action: keep the browser's request, unsent.
  const page = await context.newPage();
  let logout: { id: string; contentType: string; body: string } | undefined;
  await page.route("**/*", async (route) => {
    const sent = route.request();
    const id = sent.headers()["next-action"];
    if (sent.method() !== "POST" || !id) return route.continue();
    logout = { id, contentType: sent.headers()["content-type"] ?? "text/plain;charset=UTF-8", body: sent.postData() ?? "[]" };
    return route.abort();
  });
  await page.goto("/");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect.poll(() => logout).toBeDefined();
  const runLogout = (origin: string) =>
    request.post("/", { headers: { "Next-Action": logout!.id, Origin: origin, "Content-Type": logout!.contentType }, data: logout!.body, maxRedirects: 0 });

  await runLogout("https://evil.example");
  expect((await (await request.get("/api/me")).json()).user).not.toBeNull();
  const refused = await request.post("/api/addresses", {
    headers: { Origin: "https://evil.example" },
    data: { name: "CSRF", email: "e2e@example.com", phone: "+1 555 0100", line1: "d", city: "Portland", region: "r", postcode: "97201", country: "US" },
  });
  expect(refused.status()).toBe(403);
  expect((await (await request.get("/api/addresses")).json()).addresses).toHaveLength(1);

  // The same action from our own origin does run (so the refusal above was the origin check).
  await runLogout(baseURL!);
  expect(await (await request.get("/api/me")).json()).toEqual({ user: null });
  await context.close();
});

/**
 * A failed login sent from a local address of its own (127.0.0.0/8 is all this machine's), so the
 * front sees another client and 127.0.0.1, every other spec's address, is not throttled.
 */
function failedLoginFrom(baseURL: string, from: string, username: string): Promise<number> {
  const url = new URL("/api/auth/login", baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: url.port, path: url.pathname, method: "POST", localAddress: from, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(JSON.stringify({ username, password: "wrong-password" }));
  });
}

test("the login form refuses further attempts after 10 failures, saying how long to wait", async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const username = newUsername("thr");
  expect((await context.request.post("/api/auth/register", { data: { username, password: "password123" } })).status()).toBe(201);
  await context.clearCookies();
  // Ten failures for this username from ten other addresses (a header cannot pick the address: the front sets it).
  const elsewhere = () => `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 250)}`;
  for (let i = 0; i < 10; i++) expect(await failedLoginFrom(baseURL!, elsewhere(), username)).toBe(401);
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn(username, "password123");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Too many failed sign-ins for this account\. Try again in \d+ seconds\./);
  await expect(page.getByTestId("current-user")).toBeHidden();
  await context.close();
});
