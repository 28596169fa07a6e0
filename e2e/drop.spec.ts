import { expect, test, type Page } from "@playwright/test";
import { AdminConsole } from "./pages/admin";
import { LoginPage, newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";
import { makeVariant, setSaleFields } from "./support/fixtures";

// Variants of their own on a seeded product: specs share one database and run in parallel.
const PRODUCT = "Harbor Canvas Backpack";

/** Marks the document, so a later check can tell the page was never reloaded. */
async function markDocument(page: Page) {
  await page.evaluate(() => Object.assign(window, { e2eSameDocument: true }));
  return async () => expect(await page.evaluate(() => (window as unknown as { e2eSameDocument?: boolean }).e2eSameDocument)).toBe(true);
}

test("a drop counts down by the server's clock and its button turns live at launch, without a reload", async ({ page }) => {
  // This shopper's computer clock is ten minutes fast: a page that believed it would open at once.
  await page.addInitScript(() => {
    const real = Date.now.bind(Date);
    Date.now = () => real() + 10 * 60_000;
  });
  const launch = Date.now() + 12_000;
  const sku = await makeVariant(PRODUCT, { stock: 5, saleStartsAt: new Date(launch) });

  await new ShopPage(page).openVariant(sku);
  await expect(page.getByRole("button", { name: "Not on sale yet" })).toBeDisabled();
  await expect(page.getByRole("timer")).toHaveText(/^0:\d\d$/);
  await expect(page.getByRole("button", { name: "Add to cart" })).toHaveCount(0);
  const sameDocument = await markDocument(page);

  // When did the button open, by this machine's clock (the server's)? performance.timeOrigin is not the patched Date.now.
  const opened = await page.waitForFunction(
    () => {
      const button = document.querySelector<HTMLButtonElement>("[data-testid=add-to-cart]");
      return button && !button.disabled && button.textContent === "Add to cart" ? performance.timeOrigin + performance.now() : null;
    },
    null,
    { polling: 50, timeout: 20_000 },
  );
  const openedAt = (await opened.jsonValue()) as number;
  expect(openedAt).toBeGreaterThanOrEqual(launch);
  expect(openedAt - launch).toBeLessThan(1_000);
  await expect(page.getByRole("timer")).toHaveCount(0);
  await sameDocument();

  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "to your cart" })).toBeVisible();
});

test("the product page turns Sold out while another browser buys the last unit", async ({ page, browser }) => {
  test.slow(); // two browsers and a checkout on a shared 2-core machine
  const sku = await makeVariant(PRODUCT, { stock: 1 });
  await new ShopPage(page).openVariant(sku);
  await expect(page.getByTestId("sku-stock")).toHaveText("Only 1 left");
  await expect(page.getByRole("button", { name: "Add to cart" })).toBeEnabled();
  const sameDocument = await markDocument(page);

  const other = await browser.newContext();
  const buyer = await other.newPage();
  await new LoginPage(buyer).signUp(newUsername("drop"));
  const shop = new ShopPage(buyer);
  await shop.addToCart(PRODUCT, sku.name);
  await shop.checkout("Cash on delivery");

  await expect(page.getByTestId("sku-stock")).toHaveText("Sold out", { timeout: 5_000 });
  await expect(page.getByRole("button", { name: "Sold out" })).toBeDisabled();
  await expect(page.getByTestId("sku-state")).toHaveText("Sold out.");
  await sameDocument();
  await other.close();
});

test("checkout says beforehand which lines are over the limit or not on sale yet, and the refusal once", async ({ page }) => {
  const waiting = await makeVariant(PRODUCT, { stock: 10, saleStartsAt: new Date(Date.now() + 3 * 60_000) });
  const limited = await makeVariant(PRODUCT, { stock: 10 });
  await new LoginPage(page).signUp(newUsername("limit"));
  // Before launch a drop may wait in a cart (the page's button is closed, the API is not); checkout decides.
  expect((await page.request.post("/api/cart/items", { data: { skuId: waiting.skuId, count: 1 } })).status()).toBe(201);
  expect((await page.request.post("/api/cart/items", { data: { skuId: limited.skuId, count: 2 } })).status()).toBe(201);
  // The admin caps it after the shopper filled their cart.
  await setSaleFields(limited.skuId, { perCustomerLimit: 1 });

  const shop = new ShopPage(page);
  await shop.openCheckout();
  await shop.ensureAddress();
  const lines = page.getByRole("table", { name: "Items to order" });
  await expect(lines.getByTestId(`line-note-${waiting.skuId}`)).toHaveText(/^Not on sale yet: it can be ordered in [23] min \(.+\)\.$/);
  await expect(lines.getByTestId(`line-note-${limited.skuId}`)).toHaveText("Limit 1 per customer — you have 2 in your cart.");
  await expect(page.getByTestId("checkout-notes")).toContainText("read the note under those 2 items");

  await page.getByRole("button", { name: "Place order" }).click();
  const refusal = page.getByRole("main").getByRole("alert");
  await expect(refusal).toHaveCount(1);
  await expect(refusal).toContainText(/Nothing was ordered: an item is not on sale yet\.|Limit 1 per customer/);
  await expect(page).toHaveURL(/\/checkout$/);

  // The cart says the same, and its stepper stops at the limit.
  await page.goto("/cart");
  await expect(page.getByTestId(`cart-limit-${limited.skuId}`)).toHaveText("Limit 1 per customer: lower this to 1.");
  await expect(page.getByRole("button", { name: `Increase quantity of ${limited.label}` })).toBeDisabled();
  await page.getByRole("button", { name: `Decrease quantity of ${limited.label}` }).click();
  await expect(page.getByTestId(`cart-limit-${limited.skuId}`)).toHaveText("Limit 1 per customer.");
});

test("the admin sets a limit and a launch time in the Manage panel, and the table and product page show them", async ({ page }) => {
  const sku = await makeVariant(PRODUCT, { stock: 20 });
  await new LoginPage(page).goto("/admin/stock");
  await new LoginPage(page).logIn("admin", "admin12345");
  const admin = new AdminConsole(page);
  const row = await admin.row(sku.label);
  await expect(row.getByTestId("limit")).toContainText("No limit");
  await page.getByRole("button", { name: `Manage ${sku.label}` }).click();
  const form = page.getByRole("form", { name: `Limit and launch of ${sku.label}` });

  // A value the browser lets through but the server refuses: said at the field, what was typed kept.
  const limit = form.getByLabel("Limit per customer");
  await limit.evaluate((input) => input.removeAttribute("max"));
  await limit.fill("100");
  await form.getByRole("button", { name: "Save limit and launch" }).click();
  await expect(form.getByText("Limit must be a whole number from 1 to 99, or blank for no limit.")).toBeVisible();
  await expect(limit).toHaveAttribute("aria-invalid", "true");
  await expect(limit).toHaveValue("100");
  await expect(row.getByTestId("limit")).toContainText("No limit");

  await limit.fill("2");
  await form.getByLabel("Launch").fill("2031-06-01T09:30");
  await form.getByRole("button", { name: "Save limit and launch" }).click();
  await expect(form.getByRole("status")).toContainText("Saved: limit 2 per customer, launch");
  await expect(row.getByTestId("limit")).toHaveText("2");
  await expect(row.getByTestId("launch")).toContainText("1 Jun, 09:30");

  // Clearing the launch puts it on sale at once; the limit stays.
  await form.getByRole("button", { name: "Clear launch" }).click();
  await form.getByRole("button", { name: "Save limit and launch" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved: limit 2 per customer, on sale at once.");
  await expect(row.getByTestId("launch")).toContainText("No launch time");

  await page.goto(`/products/${sku.spuId}`);
  await page.getByRole("radio", { name: sku.name }).check();
  await expect(page.getByTestId("sku-limit")).toHaveText("Limit 2 per customer");
});
