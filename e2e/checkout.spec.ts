import { expect, test } from "@playwright/test";
import { setSaleFields, setStock, skuIdOf } from "./support/fixtures";
import { LoginPage, newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";

const LIMITED = { product: "Nebula Watch Limited Drop", sku: "Numbered edition" };

test("a guest fills a cart, logs in, sees it merged, checks out and lands on the order", async ({ page }) => {
  // An account with nothing in its cart yet; then log out and shop as a guest.
  const username = await new LoginPage(page).signUp(newUsername("guest"));
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();

  const shop = new ShopPage(page);
  // Products no other spec counts: specs run in parallel against one database.
  await shop.addToCart("Harbor Canvas Backpack", "Olive", 2);
  await shop.addToCart("Pulse Wireless Earbuds", "Pearl white");
  await expect(page.getByTestId("cart-count")).toHaveText("3");

  const login = new LoginPage(page);
  await login.goto("/cart");
  await login.logIn(username, "password123");
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByRole("link", { name: "Harbor Canvas Backpack — Olive" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Pulse Wireless Earbuds — Pearl white" })).toBeVisible();
  await expect(page.getByTestId("selected-total")).toHaveText("$247.00");

  await page.getByRole("button", { name: "Checkout" }).click();
  await shop.ensureAddress();
  await expect(page.getByTestId("checkout-total")).toHaveText("Total $257.00");
  await page.getByRole("radio", { name: "Cash on delivery" }).check();
  await page.getByRole("button", { name: "Place order" }).click();

  await expect(page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
  await expect(page.getByTestId("order-status")).toHaveText("Awaiting shipment");
  await expect(page.getByRole("cell", { name: "Harbor Canvas Backpack — Olive" })).toBeVisible();
  await expect(page.getByText("Total $257.00")).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveCount(0);
});

test("double-clicking Place order makes one order", async ({ page }) => {
  await new LoginPage(page).signUp(newUsername("dbl"));
  const shop = new ShopPage(page);
  await shop.addToCart("Pulse Wireless Earbuds", "Graphite");
  await shop.openCheckout();
  await shop.ensureAddress();
  await page.getByRole("button", { name: "Place order" }).dblclick();
  await expect(page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
  await page.goto("/orders");
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(2); // header + one order
});

test("changing a quantity on the cart updates the totals", async ({ page }) => {
  await new LoginPage(page).signUp(newUsername("qty"));
  const shop = new ShopPage(page);
  await shop.addToCart("Ember Ceramic Mug", "350 ml");
  await page.goto("/cart");
  await expect(page.getByTestId("selected-total")).toHaveText("$14.50");
  await page.getByRole("button", { name: "Increase quantity of Ember Ceramic Mug — 350 ml" }).click();
  await page.getByRole("button", { name: "Increase quantity of Ember Ceramic Mug — 350 ml" }).click();
  await expect(page.getByTestId("selected-total")).toHaveText("$43.50");
  await expect(page.getByTestId("line-total")).toHaveText("$43.50");
  await expect(page.getByTestId("cart-count")).toHaveText("3");
  await page.getByRole("button", { name: "Decrease quantity of Ember Ceramic Mug — 350 ml" }).click();
  await expect(page.getByTestId("selected-total")).toHaveText("$29.00");
  // The server agrees after a reload (once the last change has reached it: a reload would cut it off).
  await expect.poll(async () => (await (await page.request.get("/api/cart")).json()).selectedTotal).toBe("29.00");
  await page.reload();
  await expect(page.getByTestId("selected-total")).toHaveText("$29.00");
  const select = page.getByRole("checkbox", { name: "Select Ember Ceramic Mug — 350 ml" });
  await select.click();
  await expect(select).not.toBeChecked();
  await expect(page.getByTestId("selected-total")).toHaveText("$0.00");
  await expect(page.getByRole("button", { name: "Checkout" })).toBeDisabled();
});

test("two shoppers race for the last unit: one gets it, the other is told clearly", async ({ browser }) => {
  // The seed schedules the drop's launch a few minutes ahead (for the demo); this race is about stock.
  await setSaleFields(await skuIdOf(LIMITED.product, LIMITED.sku), { saleStartsAt: null });
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  for (const page of pages) {
    await new LoginPage(page).signUp(newUsername("race"));
    const shop = new ShopPage(page);
    await shop.addToCart(LIMITED.product);
    await shop.openCheckout();
    await shop.ensureAddress();
  }
  await setStock(await skuIdOf(LIMITED.product, LIMITED.sku), 1);
  await Promise.all(pages.map((p) => p.getByRole("button", { name: "Place order" }).click()));

  const outcomes = await Promise.all(
    pages.map(async (p) => {
      const won = p.waitForURL(/\/orders\/[0-9A-Z]{26}$/, { timeout: 15_000 }).then(() => "won" as const);
      const lost = p.getByRole("main").getByRole("alert").waitFor({ timeout: 15_000 }).then(() => "lost" as const);
      return Promise.race([won, lost]);
    }),
  );
  expect([...outcomes].sort()).toEqual(["lost", "won"]);
  const loser = pages[outcomes.indexOf("lost")]!;
  await expect(loser.getByRole("main").getByRole("alert")).toContainText(`${LIMITED.product} — ${LIMITED.sku} sold out. It was taken out of this order.`);
  await Promise.all(contexts.map((c) => c.close()));
});

test("the same cart submitted from two tabs makes one order, and the second tab lands on it", async ({ page, context }) => {
  await new LoginPage(page).signUp(newUsername("tabs"));
  const shop = new ShopPage(page);
  // A variant no other spec counts: specs run in parallel against one database.
  await shop.addToCart("Pulse Wireless Earbuds", "Graphite");
  await shop.openCheckout();
  await shop.ensureAddress();
  // A second tab of the same shopper opens the same checkout page.
  const second = await context.newPage();
  await second.goto("/checkout");
  await expect(second.getByRole("radio", { name: /12 Elm Street/ })).toBeChecked();

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
  const orderId = page.url().split("/").pop()!;

  await second.getByRole("button", { name: "Place order" }).click();
  await expect(second).toHaveURL(new RegExp(`/orders/${orderId}\\?notice=already-ordered$`));
  await expect(second.getByRole("status").filter({ hasText: "already ordered" })).toBeVisible();
  await second.goto("/orders");
  await expect(second.getByRole("table").getByRole("row")).toHaveCount(2); // header + one order
});

test("a cart changed in another tab after the checkout page opened is not bought as it was: the page shows it again", async ({ page, context }) => {
  await new LoginPage(page).signUp(newUsername("changed"));
  const shop = new ShopPage(page);
  await shop.addToCart("Pulse Wireless Earbuds", "Graphite");
  await shop.openCheckout();
  await shop.ensureAddress();
  // Another tab adds a second item: a new cart revision the open checkout page has not seen.
  const other = await context.newPage();
  await new ShopPage(other).addToCart("Pulse Wireless Earbuds", "Pearl white");
  await other.close();

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/checkout\?notice=cart-changed$/);
  await expect(page.getByTestId("cart-changed")).toContainText("Your cart changed after this page was loaded");
  await expect(page.getByRole("table", { name: "Items to order" }).getByRole("row")).toHaveCount(3); // header + both items
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
  await page.goto("/orders");
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(2); // header + the one order
});
