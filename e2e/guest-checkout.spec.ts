import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { pageOverflow } from "./support/audit";
import { makeVariant, setSaleFields } from "./support/fixtures";
import { ShopPage } from "./pages/shop";

// A guest on a 360 px phone: product page -> cart -> checkout (one screen) -> the placed order,
// opened from its signed link; no account anywhere.
const PRODUCT = "Harbor Canvas Backpack";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

async function fitsAndPassesAxe(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await pageOverflow(page);
  expect(scrollWidth, `${what} is wider than the phone`).toBeLessThanOrEqual(innerWidth);
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("a guest buys with a full address in three screens, keeps what was typed on an error, and pays from the order's link", async ({ page }) => {
  test.slow();
  const sku = await makeVariant(PRODUCT, { stock: 20 });

  // Screen 1: the product page.
  await new ShopPage(page).openVariant(sku);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "to your cart" })).toBeVisible();

  // Screen 2: the cart.
  await page.goto("/cart");
  await page.getByRole("button", { name: "Checkout" }).click();

  // Screen 3: checkout, as a guest.
  await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
  await expect(page.getByTestId("checkout-as-guest")).toBeVisible();
  await fitsAndPassesAxe(page, "guest checkout");
  await page.screenshot({ path: "artifacts/guest/phone-guest-checkout.png", fullPage: true });

  await page.getByLabel("E-mail").fill("pat.guest@example.com");
  await page.getByLabel("Full name").fill("Pat Guest");
  await page.getByLabel("Phone").fill("+49 30 1234567");
  await page.getByLabel("Country").selectOption({ label: "Germany" });
  await page.getByLabel("Address line 1").fill("Torstraße 1");
  await page.getByLabel("Address line 2 (optional)").fill("Hinterhaus, 3. OG");
  await page.getByLabel("City").fill("Berlin");
  // No postcode: Germany has them, so the order is refused at that field and nothing typed is lost.
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.locator("#ship-postcode-error")).toHaveText("Postcode is required for this country.");
  await expect(page.getByLabel("Postcode")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("E-mail")).toHaveValue("pat.guest@example.com");
  await expect(page.getByLabel("Address line 2 (optional)")).toHaveValue("Hinterhaus, 3. OG");
  await expect(page.getByLabel("Country")).toHaveValue("DE");
  await fitsAndPassesAxe(page, "guest checkout with an error");

  await page.getByLabel("Postcode").fill("10119");
  await page.getByRole("radio", { name: /Pay online/ }).check();
  await page.getByRole("button", { name: "Place order" }).click();

  // The placed order, opened through its signed link.
  await expect(page).toHaveURL(/\/orders\/[0-9A-Z]{26}\?token=[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("order-placed")).toBeVisible();
  await expect(page.getByTestId("guest-order-note")).toContainText("Keep this page");
  await expect(page.getByText("Torstraße 1, Hinterhaus, 3. OG, Berlin, 10119, Germany")).toBeVisible();
  await fitsAndPassesAxe(page, "guest order");
  await page.screenshot({ path: "artifacts/guest/phone-guest-order.png", fullPage: true });
  const link = page.url();

  await page.getByRole("button", { name: "Pay now (simulated)" }).click();
  await expect(page.getByTestId("order-status")).toHaveText(/paid/i);

  // The order number alone, or the id without its token, never shows the order to a guest.
  const id = new URL(link).pathname.split("/").pop()!;
  await page.goto(`/orders/${id}`);
  await expect(page).toHaveURL(/\/login\?next=/);
  const forged = await page.goto(`/orders/${id}?token=${"A".repeat(43)}`);
  expect(forged?.status()).toBe(404);
});

test("a guest is told before queuing up that a limited item needs an account, and cannot order it", async ({ page }) => {
  const sku = await makeVariant(PRODUCT, { stock: 20 });
  await setSaleFields(sku.skuId, { perCustomerLimit: 1 });
  await new ShopPage(page).openVariant(sku);
  await expect(page.getByTestId("sku-account-required")).toContainText("needs an account");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "to your cart" })).toBeVisible();
  await page.goto("/cart");
  await expect(page.getByTestId(`cart-account-required-${sku.skuId}`)).toBeVisible();
  await page.goto("/checkout");
  await expect(page.getByTestId("checkout-account-required")).toBeVisible();
  await expect(page.getByRole("button", { name: "Place order" })).toBeDisabled();
  await fitsAndPassesAxe(page, "guest checkout with a limited item");
});

test.describe("at 1280 px", () => {
  test.use({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });
  test("the guest checkout passes axe and is screenshot", async ({ page }) => {
    const sku = await makeVariant(PRODUCT, { stock: 20 });
    expect((await page.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } })).status()).toBe(201);
    await page.goto("/checkout");
    await expect(page.getByTestId("checkout-as-guest")).toBeVisible();
    await fitsAndPassesAxe(page, "guest checkout (desktop)");
    await page.screenshot({ path: "artifacts/guest/desktop-guest-checkout.png", fullPage: true });
  });
});
