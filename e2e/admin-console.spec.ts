import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { AdminConsole } from "./pages/admin";
import { newUsername } from "./pages/login";
import { AUTH_FILE, VIEWPORTS } from "./support/audit";
import { makeVariant, sql } from "./support/fixtures";

// Variants and orders of their own: specs share one database and run in parallel.
const PRODUCT = "Harbor Canvas Backpack";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

test.use({ storageState: AUTH_FILE.admin });

test("Manage opens a drawer by the table with the SKU's history; a new submit clears the old error; the switch says what it did", async ({ page }) => {
  const sku = await makeVariant(PRODUCT, { stock: 4 });
  const admin = new AdminConsole(page);
  await admin.goto();
  const row = await admin.row(sku.label);

  await row.getByRole("button", { name: `Manage ${sku.label}` }).click();
  const drawer = page.getByRole("dialog", { name: sku.label });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId("panel-counts")).toContainText("4 in stock · 0 sold");
  await expect(drawer.getByText("No manual changes yet.")).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  // A refused adjustment: one message, at the field, and what was typed stays.
  const form = await admin.adjust(sku.label, "-9", "Shrinkage");
  await expect(form.getByRole("alert")).toHaveCount(1);
  // The location is named only while the shop keeps stock in several (e2e/admin-locations.spec.ts may add one meanwhile).
  const escaped = sku.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await expect(form.getByRole("alert")).toHaveText(new RegExp(`^Only 4 of ${escaped} in stock( at Main warehouse)?: removing 9 would take it below zero\\.$`));
  await expect(form.getByLabel("Delta")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Delta")).toHaveValue("-9");
  await expect(form.getByLabel("Reason")).toHaveValue("Shrinkage");

  // The next submit replaces it: the error is gone, the result is said, the history has the row.
  await form.getByLabel("Delta").fill("-1");
  await form.getByRole("button", { name: "Apply adjustment" }).click();
  await expect(form.getByRole("status")).toHaveText(`Applied -1: stock of ${sku.label} is now 3.`);
  await expect(form.getByRole("alert")).toHaveCount(0);
  await expect(drawer.getByRole("table", { name: "Adjustment history" }).getByRole("row", { name: /Shrinkage/ })).toContainText("-1");

  // Escape closes the drawer and gives focus back to the row's Manage button.
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  await expect(row.getByRole("button", { name: `Manage ${sku.label}` })).toBeFocused();
  await expect(admin.stockOf(sku.label)).toHaveText("3");

  // The on-sale switch is labelled, and says what happened.
  const onSale = row.getByRole("switch", { name: `On sale: ${sku.label}` });
  await expect(onSale).toBeChecked();
  await onSale.click();
  await expect(page.getByRole("status").filter({ hasText: `${sku.label} is off sale: shoppers can no longer buy it.` })).toBeVisible();
  await expect(onSale).not.toBeChecked();
  await expect(row.getByText("Off sale")).toBeVisible();
  await onSale.click();
  await expect(page.getByRole("status").filter({ hasText: `${sku.label} is on sale: shoppers can buy it.` })).toBeVisible();
  await expect(onSale).toBeChecked();
});

test("Price and name: a refused price is said at the field and kept; a saved one shows in the drawer and the table", async ({ page }) => {
  const sku = await makeVariant(PRODUCT, { stock: 3, price: "59.00" });
  const admin = new AdminConsole(page);
  await admin.goto();
  const row = await admin.row(sku.label);
  await expect(row.getByTestId("price")).toHaveText("$59.00");

  await row.getByRole("button", { name: `Manage ${sku.label}` }).click();
  // Named by the SKU, which this test renames: the only dialog open.
  const drawer = page.getByRole("dialog");
  const form = drawer.getByRole("form", { name: `Price and name of ${sku.label}` });
  const price = form.getByLabel("Price (USD)");
  const name = form.getByLabel("Variant name");
  await expect(price).toHaveValue("59.00");
  await expect(price).toHaveAttribute("inputmode", "decimal");
  await expect(name).toHaveValue(sku.name);

  // Refused: one message, at the Price field; both fields keep what was typed; nothing saved.
  await price.fill("19.999");
  await name.fill(`${sku.name} XL`);
  await form.getByRole("button", { name: "Save price and name" }).click();
  await expect(form.getByRole("alert")).toHaveCount(1);
  await expect(form.getByRole("alert")).toHaveText("Price can have at most 2 decimals (whole cents), e.g. 19.99.");
  await expect(price).toHaveAttribute("aria-invalid", "true");
  await expect(price).toHaveAccessibleDescription("Price can have at most 2 decimals (whole cents), e.g. 19.99.");
  await expect(price).toHaveValue("19.999");
  await expect(name).toHaveValue(`${sku.name} XL`);
  await expect(row.getByTestId("price")).toHaveText("$59.00");
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  // Saved: as stored ("42.5" becomes 42.50), in the drawer, its title and the table.
  await price.fill("42.5");
  await form.getByRole("button", { name: "Save price and name" }).click();
  await expect(form.getByRole("status")).toHaveText(`Saved: ${sku.name} XL at $42.50. Orders already placed keep their price.`);
  await expect(form.getByRole("alert")).toHaveCount(0);
  await expect(price).toHaveValue("42.50");
  await expect(drawer.getByRole("heading", { level: 2 })).toHaveText(`${sku.label} XL`);
  await expect(drawer.getByTestId("panel-counts")).toContainText("$42.50");
  await page.keyboard.press("Escape");
  const renamed = await admin.row(`${sku.label} XL`);
  await expect(renamed.getByTestId("price")).toHaveText("$42.50");
});

test("the Manage drawer's forms fit a 360 px phone without sideways scrolling", async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.phone);
  const sku = await makeVariant(PRODUCT, { stock: 3 });
  const admin = new AdminConsole(page);
  await admin.goto();
  await (await admin.row(sku.label)).getByRole("button", { name: `Manage ${sku.label}` }).click();
  const drawer = page.getByRole("dialog", { name: sku.label });
  const form = drawer.getByRole("form", { name: `Price and name of ${sku.label}` });
  await form.getByLabel("Price (USD)").fill("-3");
  await form.getByRole("button", { name: "Save price and name" }).click();
  await expect(form.getByRole("alert")).toHaveText("Price cannot be negative.");
  const widths = await drawer.evaluate((d) => ({ scroll: d.scrollWidth, client: d.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  const box = (await form.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
});

test("Ship and Complete ask first: going back leaves the order as it was, confirming moves it", async ({ page, browser }) => {
  // A shopper's cash-on-delivery order, placed through the API as the checkout page would.
  const sku = await makeVariant(PRODUCT, { stock: 5 });
  const shopper = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  expect((await shopper.request.post("/api/auth/register", { data: { username: newUsername("ship"), password: "password123" } })).status()).toBe(201);
  const address = await shopper.request.post("/api/addresses", { data: { name: "Sam Ship", email: "e2e@example.com", phone: "+1 555 0100", line1: "1 Dock Road", city: "Portland", region: "Oregon", postcode: "97201", country: "US" } });
  const addressId = (await address.json()).address.id as number;
  expect((await shopper.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } })).status()).toBe(201);
  const placed = await shopper.request.post("/api/orders", { headers: { "Idempotency-Key": `ship-${newUsername("")}` }, data: { addressId, payMethod: "cod" } });
  expect(placed.status()).toBe(201);
  const { orderId, orderNumber } = (await placed.json()).order as { orderId: string; orderNumber: string };
  expect(orderNumber).toMatch(/^SR-/);
  await shopper.close();
  const statusOf = async () => (await sql<{ status: string }[]>("SELECT status FROM orders WHERE id = ?", [orderId]))[0]!.status;

  await page.goto("/admin/orders");
  const orders = page.getByRole("table", { name: "Newest orders" });
  const row = orders.getByRole("row", { name: new RegExp(`^${orderNumber}`) });
  await expect(row).toContainText("Awaiting shipment");

  // Dismissed: nothing changes.
  await row.getByRole("button", { name: `Ship order ${orderNumber}` }).click();
  const ship = page.getByRole("dialog", { name: `Ship order ${orderNumber}?` });
  await expect(ship).toBeVisible();
  await ship.getByRole("button", { name: "Go back" }).click();
  await expect(ship).toBeHidden();
  expect(await statusOf()).toBe("awaiting_shipment");
  await expect(row).toContainText("Awaiting shipment");

  // Confirmed: shipped, and said so.
  await row.getByRole("button", { name: `Ship order ${orderNumber}` }).click();
  await ship.getByRole("button", { name: "Yes, ship it" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Order ${orderNumber} shipped.` })).toBeVisible();
  await expect(row).toContainText("Shipped");
  expect(await statusOf()).toBe("shipped");

  // Complete: Escape dismisses too; then confirmed.
  await row.getByRole("button", { name: `Complete order ${orderNumber}` }).click();
  const complete = page.getByRole("dialog", { name: `Complete order ${orderNumber}?` });
  await expect(complete).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(complete).toBeHidden();
  expect(await statusOf()).toBe("shipped");
  await row.getByRole("button", { name: `Complete order ${orderNumber}` }).click();
  await complete.getByRole("button", { name: "Yes, complete it" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Order ${orderNumber} completed.` })).toBeVisible();
  await expect(row).toContainText("Completed");
  expect(await statusOf()).toBe("completed");
});
