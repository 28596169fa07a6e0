import http from "node:http";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { newUsername } from "./pages/login";
import { makeVariant } from "./support/fixtures";

// Issue 34 item 5 (quantities in the cart) and item 7: the header right from the first paint,
// the skip link, the unknown category, the front's own 400 page, no 401 in a guest's console.

test("the header shows who is signed in before any of the page's JavaScript has run", async ({ page }) => {
  const username = newUsername("paint");
  expect((await page.request.post("/api/auth/register", { data: { username, password: "password123" } })).status()).toBe(201);
  // No React, no hydration, no /api/me: only the HTML, the CSS and the layout's inline scripts.
  await page.route(/\/_next\/static\/.*\.js$/, (r) => r.abort());
  const served = await page.goto("/");
  // The catalog is cached for everyone: its HTML never names the shopper...
  expect(await served!.text()).not.toContain(username);
  // ...yet the header says who it is at once.
  await expect(page.getByTestId("current-user")).toHaveText(`Signed in as ${username}`);
  await expect(page.getByRole("link", { name: "Orders" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Log in" })).toBeHidden();

  // With its JavaScript, the page hydrates over what the scripts wrote without a mismatch.
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.unrouteAll();
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("current-user")).toHaveText(`Signed in as ${username}`);
  expect(errors).toEqual([]);

  // A guest's first paint shows the guest's links, and nothing else.
  await page.context().clearCookies();
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toBeHidden();
});

test("a guest's pages log no error in the console (GET /api/me answers { user: null })", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const me = page.waitForResponse((r) => r.url().endsWith("/api/me"));
  await page.goto("/");
  expect((await me).status()).toBe(200);
  expect(await (await me).json()).toEqual({ user: null });
  await page.goto("/cart");
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
});

test("a skip link is the first thing a keyboard reaches, and it moves focus to the page's content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
});

test("an unknown category is not found (404), not an empty shelf under its name", async ({ page }) => {
  const res = await page.goto("/?category=Nope");
  expect(res!.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
  expect((await page.goto("/?category=Audio"))!.status()).toBe(200);
});

test("a path nginx cannot decode gets the shop's own 400 page through the front", async ({ baseURL }) => {
  const { port, hostname } = new URL(baseURL!);
  const answer = await new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
    const req = http.request({ host: hostname === "localhost" ? "127.0.0.1" : hostname, port, path: "/%zz", method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, type: String(res.headers["content-type"]) }));
    });
    req.on("error", reject);
    req.end();
  });
  expect(answer.status).toBe(400);
  expect(answer.type).toMatch(/^text\/html/);
  expect(answer.body).toContain("<h1>That address is broken</h1>");
});

test("the cart's quantity can be typed; a quantity it cannot hold is refused at the field with what it can", async ({ page }) => {
  const username = newUsername("qty");
  expect((await page.request.post("/api/auth/register", { data: { username, password: "password123" } })).status()).toBe(201);
  const sku = await makeVariant("Harbor Canvas Backpack", { stock: 6 });
  expect((await page.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } })).status()).toBe(201);
  await page.goto("/cart");
  const field = page.getByRole("spinbutton", { name: `Quantity of ${sku.label}` });
  const error = page.getByTestId(`qty-error-${sku.skuId}`);
  await field.fill("0");
  await field.press("Enter");
  await expect(error).toHaveText("The quantity must be at least 1. To take the item out, press Remove.");
  await field.fill("9");
  await field.blur();
  await expect(error).toHaveText("6 in stock. You can have up to 6.");
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
  await expect(page.getByTestId("selected-count")).toHaveText("1");
  await expect(page.getByText("Selected: 1 item", { exact: true })).toBeVisible();
  await field.fill("4");
  await field.press("Enter");
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId("selected-count")).toHaveText("4");
  await page.reload();
  await expect(page.getByRole("spinbutton", { name: `Quantity of ${sku.label}` })).toHaveValue("4");
  // The header's cart link is named by what it shows, then the count's word.
  await expect(page.getByRole("link", { name: "Cart 4 items" })).toBeVisible();
});
