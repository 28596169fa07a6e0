import { expect, test, type Page } from "@playwright/test";
import { AdminConsole } from "./pages/admin";
import { newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";
import { AUTH_FILE, pageOverflow } from "./support/audit";
import { makeVariant } from "./support/fixtures";

// Runs in the "phone" project (Pixel 5): the flows a shopper and an admin do with one thumb.
const PRODUCT = "Harbor Canvas Backpack";

async function fitsTheScreen(page: Page) {
  const { scrollWidth, innerWidth } = await pageOverflow(page);
  expect(scrollWidth, `${page.url()} is wider than the phone`).toBeLessThanOrEqual(innerWidth);
}

test("a shopper browses, searches, adds, checks out and pays on a phone", async ({ page }) => {
  test.slow(); // a whole purchase on a shared 2-core machine
  const sku = await makeVariant(PRODUCT, { stock: 20 });
  expect((await page.request.post("/api/auth/register", { data: { username: newUsername("phone"), password: "password123" } })).status()).toBe(201);

  // Browse: the catalog is a list of products.
  await page.goto("/");
  await expect(page.getByRole("list", { name: "Products" }).getByRole("listitem").first()).toBeVisible();
  await fitsTheScreen(page);

  // Search from the header; the results are a shareable URL. (The header's "Search products" box is
  // being built alongside this spec, issue 15 item 4: until it lands, this step is what fails.)
  const search = page.getByRole("searchbox", { name: "Search products" });
  await search.fill("canvas backpack");
  await search.press("Enter");
  await expect(page).toHaveURL(/[?&]q=canvas(\+|%20)backpack/);
  await page.getByRole("heading", { name: PRODUCT }).click();
  await expect(page.getByRole("heading", { level: 1, name: PRODUCT })).toBeVisible();
  await fitsTheScreen(page);

  // Add to cart.
  await page.getByRole("radio", { name: sku.name }).check();
  await new ShopPage(page).addSelectedToCart(2);

  // Cart: the line, its stepper and its total are on screen.
  await page.goto("/cart");
  await expect(page.getByRole("main").getByText(sku.label).first()).toBeVisible();
  await expect(page.getByRole("button", { name: `Increase quantity of ${sku.label}` })).toBeInViewport();
  await fitsTheScreen(page);
  await page.getByRole("button", { name: "Checkout" }).click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();

  // Checkout: a first-time shopper adds an address, pays online.
  const shop = new ShopPage(page);
  await shop.ensureAddress();
  await page.getByRole("radio", { name: "Pay online" }).check();
  await fitsTheScreen(page);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9A-Za-z-]+$/);

  // Pay.
  await page.getByRole("button", { name: /^Pay now/ }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await fitsTheScreen(page);
});

test.describe("the admin on a phone", () => {
  test.use({ storageState: AUTH_FILE.admin });

  test("restocks a SKU from its Manage dialog, and a refused adjustment keeps what was typed", async ({ page }) => {
    const sku = await makeVariant(PRODUCT, { stock: 1 });
    const admin = new AdminConsole(page);
    // Into the stock room through the console's menu, as a thumb would.
    await admin.goto("/admin");
    await admin.open("Stock");
    await admin.row(sku.label);
    await fitsTheScreen(page);

    const form = await admin.adjust(sku.label, "-5", "Counted twice");
    await expect(form.getByRole("alert")).toContainText(`Only 1 of ${sku.label} in stock`);
    await expect(form.getByLabel("Delta")).toHaveValue("-5");
    await expect(form.getByLabel("Reason")).toHaveValue("Counted twice");

    await admin.adjust(sku.label, "12", "Restock from supplier");
    await expect(form.getByRole("status")).toHaveText(`Applied +12: stock of ${sku.label} is now 13.`);
    await expect(form.getByRole("alert")).toHaveCount(0);
    await expect(admin.stockOf(sku.label)).toHaveText("13");
    await fitsTheScreen(page);
  });
});
