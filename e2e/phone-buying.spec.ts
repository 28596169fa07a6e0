import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";
import { VIEWPORTS } from "./support/audit";
import { makeVariant } from "./support/fixtures";

// Issue 34 items 3 and 4 on a 360 px phone: the buy bar, the sold-out variant, and the loser of a
// drop who finds the sold-out line handled and buys the rest.
const PRODUCT = "Harbor Canvas Backpack";
test.use({ viewport: VIEWPORTS.phone });

async function newShopper(page: Page, prefix: string) {
  const username = newUsername(prefix);
  expect((await page.request.post("/api/auth/register", { data: { username, password: "password123" } })).status()).toBe(201);
  return username;
}

/** axe at zero (WCAG 2.0/2.1 A and AA, as e2e/a11y.spec.ts) for a state the page audits do not reach. */
async function expectNoAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** Wholly inside the window, as loaded (no scrolling). */
async function onFirstScreen(page: Page, what: ReturnType<Page["getByTestId"]>) {
  const box = await what.boundingBox();
  const { height, width } = page.viewportSize()!;
  expect(box, "laid out").not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(height);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

test("the price, the stock and the buy button are on the first screen, and Added shows in the bar with a link to the cart", async ({ page }) => {
  await newShopper(page, "bar");
  const sku = await makeVariant(PRODUCT, { stock: 4 });
  await new ShopPage(page).openVariant(sku);
  await page.evaluate(() => window.scrollTo(0, 0));
  await onFirstScreen(page, page.getByTestId("add-to-cart"));
  await onFirstScreen(page, page.getByTestId("sku-price"));
  await onFirstScreen(page, page.getByTestId("sku-stock"));
  await expect(page.getByTestId("sku-stock")).toHaveText("Only 4 left");

  await page.getByRole("button", { name: "Add to cart" }).click();
  const added = page.getByRole("status").filter({ hasText: "to your cart" });
  await expect(added).toContainText(`Added 1 × ${PRODUCT} (${sku.name})`);
  await onFirstScreen(page, page.getByTestId("added"));
  await expect(added.getByRole("link", { name: "View cart" })).toHaveAttribute("href", "/cart");
  await page.screenshot({ path: "artifacts/shopfloor/phone-product-added.png" });
  await expectNoAxeViolations(page);

  // The bar never covers the end of the page: scrolled to the bottom, the page's last words sit above it.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const barTop = (await page.getByTestId("buy-bar").boundingBox())!.y;
  const lastLine = await page.getByTestId("sku-state").evaluate((el) => el.previousElementSibling!.getBoundingClientRect().bottom);
  expect(lastLine).toBeLessThanOrEqual(barTop);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.screenshot({ path: "artifacts/shopfloor/phone-product-bottom.png" });
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: "artifacts/shopfloor/desktop-product.png", fullPage: true });
  await expectNoAxeViolations(page);
});

test("a sold-out variant is marked in the picker and its button says Sold out", async ({ page }) => {
  const sku = await makeVariant(PRODUCT, { stock: 0 });
  await new ShopPage(page).openVariant(sku);
  await expect(page.getByTestId(`variant-${sku.skuId}`)).toContainText("Sold out");
  const button = page.getByTestId("add-to-cart");
  await expect(button).toHaveText("Sold out");
  await expect(button).toBeDisabled();
  await onFirstScreen(page, button);
  await expectNoAxeViolations(page);
});

test("a drop's countdown is on the first screen beside its disabled button", async ({ page }) => {
  const sku = await makeVariant(PRODUCT, { stock: 5, saleStartsAt: new Date(Date.now() + 60 * 60_000) });
  await new ShopPage(page).openVariant(sku);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByRole("timer")).toHaveText(/^(1:00:00|59:\d\d)$/);
  await onFirstScreen(page, page.getByTestId("launch-countdown"));
  await expect(page.getByTestId("add-to-cart")).toHaveText("Not on sale yet");
  await onFirstScreen(page, page.getByTestId("add-to-cart"));
  await page.screenshot({ path: "artifacts/shopfloor/phone-product-countdown.png" });
  await expectNoAxeViolations(page);
});

test("the loser of a drop finds the sold-out line taken out, marked and left out of the subtotal, and buys the rest", async ({ browser }) => {
  const drop = await makeVariant(PRODUCT, { stock: 1, price: "1699.00" });
  const other = await makeVariant(PRODUCT, { stock: 20, price: "25.00" });
  const contexts = await Promise.all([0, 1].map(() => browser.newContext({ viewport: VIEWPORTS.phone })));
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  for (const [i, page] of pages.entries()) {
    await newShopper(page, `drop${i}`);
    for (const skuId of [drop.skuId, other.skuId]) expect((await page.request.post("/api/cart/items", { data: { skuId, count: 1 } })).status()).toBe(201);
    const shop = new ShopPage(page);
    await shop.openCheckout();
    await shop.ensureAddress();
  }
  await Promise.all(pages.map((p) => p.getByRole("button", { name: "Place order" }).click()));
  const outcomes = await Promise.all(
    pages.map((p) =>
      Promise.race([
        p.waitForURL(/\/orders\/[0-9A-Z]{26}$/, { timeout: 15_000 }).then(() => "won" as const),
        p.waitForURL(/\/checkout\?notice=sold-out/, { timeout: 15_000 }).then(() => "lost" as const),
      ]),
    ),
  );
  expect([...outcomes].sort()).toEqual(["lost", "won"]);
  const loser = pages[outcomes.indexOf("lost")]!;

  // One sentence, naming the item; no list under it.
  await expect(loser.getByTestId("sold-out-notice")).toHaveText(`${drop.label} sold out. It was taken out of this order.`);
  await expect(loser.getByRole("main").getByRole("alert").locator("li")).toHaveCount(0);
  const table = loser.getByRole("region", { name: "Items to order" });
  await expect(table.getByTestId(`line-${drop.skuId}`)).toHaveClass(/line-out/);
  await expect(table.getByTestId(`line-note-${drop.skuId}`)).toHaveText("Sold out: taken out of this order and its subtotal.");
  await expect(loser.getByText("Subtotal $25.00")).toBeVisible();
  await loser.screenshot({ path: "artifacts/shopfloor/phone-checkout-sold-out.png", fullPage: true });
  await expectNoAxeViolations(loser);

  await loser.getByRole("button", { name: "Buy the rest" }).click();
  await expect(loser).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
  await expect(loser.getByRole("main")).toContainText(other.label);
  await expect(loser.getByRole("main")).not.toContainText(drop.label);

  // The cart keeps the sold-out line, unticked and marked, outside the subtotal.
  await loser.goto("/cart");
  const line = loser.getByTestId(`cart-line-${drop.skuId}`);
  await expect(line.getByRole("checkbox")).not.toBeChecked();
  await expect(line.getByRole("checkbox")).toBeDisabled();
  await expect(line).toContainText("Sold out");
  await expect(loser.getByTestId("selected-total")).toHaveText("$0.00");
  await loser.screenshot({ path: "artifacts/shopfloor/phone-cart-sold-out.png", fullPage: true });
  await expectNoAxeViolations(loser);
  await loser.setViewportSize(VIEWPORTS.desktop);
  await loser.screenshot({ path: "artifacts/shopfloor/desktop-cart-sold-out.png", fullPage: true });
  await expectNoAxeViolations(loser);
  await Promise.all(contexts.map((c) => c.close()));
});
