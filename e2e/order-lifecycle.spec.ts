import { expect, test, type Page } from "@playwright/test";
import { LoginPage, newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";

// The mug has plenty of stock and no other spec buys it, so its count moves only with these orders.
const PRODUCT = "Ember Ceramic Mug";

async function registerShopper(page: Page, prefix: string) {
  const username = newUsername(prefix);
  await new LoginPage(page).register(username, "password123");
  await expect(page.getByTestId("current-user")).toContainText(username);
}

test("a shopper places an online order and pays it", async ({ page }) => {
  await registerShopper(page, "pay");
  const shop = new ShopPage(page);
  await shop.openProduct(PRODUCT, "350 ml");
  await shop.addSelectedToCart(1);
  await shop.checkout("Pay online");

  const status = page.getByTestId("order-status");
  await expect(status).toHaveText("Awaiting payment");
  await expect(page.getByRole("timer")).toHaveText(/^1[45]:\d\d$/);
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(status).toHaveText("Paid");
  await expect(page.getByRole("button", { name: "Pay now" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);

  // Paid is what the server has, not just what the page showed.
  await page.reload();
  await expect(status).toHaveText("Paid");
});

test("a shopper cancels an order and the units go back on the product page", async ({ page }) => {
  await registerShopper(page, "cancel");
  const shop = new ShopPage(page);
  await shop.openProduct(PRODUCT, "500 ml");
  const before = await shop.available();
  await shop.addSelectedToCart(3);
  const orderId = await shop.checkout("Cash on delivery");

  // The page is live: its figure follows the stock read within about a second (through the front's cache).
  await shop.openProduct(PRODUCT, "500 ml");
  await expect.poll(() => shop.available()).toBe(before - 3);

  await page.goto(`/orders/${orderId}`);
  const status = page.getByTestId("order-status");
  await expect(status).toHaveText("Awaiting shipment");
  await page.getByRole("button", { name: "Cancel order" }).click();
  // Cancel asks first (e2e/storefront.spec.ts tests the dialog itself).
  await page.getByRole("dialog").getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(status).toHaveText("Cancelled");
  await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);

  await shop.openProduct(PRODUCT, "500 ml");
  await expect.poll(() => shop.available()).toBe(before);
});
