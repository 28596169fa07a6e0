import { expect, test, type APIRequestContext } from "@playwright/test";
import { AdminConsole } from "./pages/admin";
import { LoginPage, newUsername } from "./pages/login";
import { makeVariant } from "./support/fixtures";

const ADMIN = { username: "admin", password: "admin12345" };
const PRODUCT = "Harbor Canvas Backpack";

async function registerShopper(request: APIRequestContext) {
  expect((await request.post("/api/auth/register", { data: { username: newUsername("buyer"), password: "password123" } })).status()).toBe(201);
  const address = await request.post("/api/addresses", { data: { name: "E2E Buyer", email: "e2e@example.com", phone: "+1 555 0199", line1: "2 Queue Lane", city: "Portland", region: "Testland", postcode: "97201", country: "US" } });
  expect(address.status()).toBe(201);
  return (await address.json()).address.id as number;
}

test("a guest is sent to log in, a shopper gets a readable 403 with status 403", async ({ page }) => {
  await page.goto("/admin/stock");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fstock$/);
  await new LoginPage(page).logIn("demo", "demo12345");
  await expect(page.getByRole("heading", { name: "403 · Admins only" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("The console is only for shop admins.");
  await expect(page.getByRole("table", { name: "Stock by SKU" })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Console" })).toHaveCount(0);
  expect((await page.request.get("/admin/stock", { maxRedirects: 0 })).status()).toBe(403);
});

test("the admin watches a sale live, restocks the sold-out SKU, and the shopper can buy it again", async ({ browser }) => {
  // Two browsers, two checkouts and a restock on a 2-core machine shared with other runs.
  test.slow();
  // A variant of its own: the seeded limited drop is raced by the sale spec, and "EU 44" is checked for its seeded stock.
  const sku = await makeVariant(PRODUCT, { stock: 2 });

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await new LoginPage(adminPage).goto("/admin/stock");
  await new LoginPage(adminPage).logIn(ADMIN.username, ADMIN.password);
  await expect(adminPage.getByRole("heading", { level: 1, name: "Stock" })).toBeVisible();
  const admin = new AdminConsole(adminPage);
  const row = await admin.row(sku.label);
  await expect(admin.stockOf(sku.label)).toHaveText("2");
  await expect(row.getByText("Low")).toBeVisible();

  // A shopper in another browser buys both units through the API, as the checkout page would.
  const shopperContext = await browser.newContext();
  const addressId = await registerShopper(shopperContext.request);
  expect((await shopperContext.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 2 } })).status()).toBe(201);
  const order = await shopperContext.request.post("/api/orders", {
    headers: { "Idempotency-Key": `e2e-${Date.now()}-${sku.skuId}` },
    data: { addressId, payMethod: "cod" },
  });
  expect(order.status()).toBe(201);

  // No reload: the 2 s poll brings the sale in.
  await expect(admin.stockOf(sku.label)).toHaveText("0", { timeout: 5_000 });
  await expect(row.getByTestId("sales")).toHaveText("2");
  await expect(row.getByText("Sold out")).toBeVisible();

  const shopperPage = await shopperContext.newPage();
  await shopperPage.goto(`/products/${sku.spuId}`);
  await shopperPage.getByRole("radio", { name: sku.name }).check();
  await expect(shopperPage.getByTestId("sku-stock")).toHaveText("Sold out");
  await expect(shopperPage.getByRole("button", { name: "Sold out" })).toBeDisabled();

  // A bad adjustment is explained and changes nothing.
  const form = await admin.adjust(sku.label, "0", "Oops");
  await expect(form.getByRole("alert")).toContainText("Delta cannot be 0");
  await expect(admin.stockOf(sku.label)).toHaveText("0");

  await admin.adjust(sku.label, "3", "Found a box in the back room");
  await expect(form.getByRole("status")).toHaveText(`Applied +3: stock of ${sku.label} is now 3.`);
  await expect(admin.stockOf(sku.label)).toHaveText("3");
  const history = adminPage.getByRole("table", { name: "Adjustment history" });
  await expect(history.getByRole("row", { name: /Found a box in the back room/ })).toContainText("+3");
  await expect(history.getByRole("row", { name: /Found a box in the back room/ })).toContainText(ADMIN.username);

  // The shopper can buy it again, through the pages this time.
  await shopperPage.reload();
  await shopperPage.getByRole("radio", { name: sku.name }).check();
  await expect(shopperPage.getByTestId("sku-stock")).toHaveText("Only 3 left");
  await shopperPage.getByRole("button", { name: "Add to cart" }).click();
  await expect(shopperPage.getByRole("main").getByRole("status")).toContainText("to your cart");
  await shopperPage.goto("/checkout");
  await shopperPage.getByRole("button", { name: "Place order" }).click();
  await expect(shopperPage.getByRole("heading", { name: /^Order / })).toBeVisible();
  await expect(shopperPage.getByRole("table", { name: "Order lines" })).toContainText(sku.label);

  await expect(admin.stockOf(sku.label)).toHaveText("2", { timeout: 5_000 });
  await expect(row.getByTestId("sales")).toHaveText("3");

  // The Manage drawer is modal: close it to go to the orders room.
  await adminPage.getByRole("dialog", { name: sku.label }).getByRole("button", { name: "Close" }).click();
  await admin.open("Orders");

  // The orders room shows the shopper's order; opening it lists its lines.
  const orders = adminPage.getByRole("table", { name: "Newest orders" });
  await adminPage.getByLabel("Status").selectOption("awaiting_shipment");
  // The console names orders by their short number, as the shopper sees them.
  const orderNumber = (await order.json()).order.orderNumber as string;
  await orders.getByRole("button", { name: orderNumber, exact: true }).click();
  await expect(adminPage.getByRole("list", { name: `Lines of order ${orderNumber}` })).toContainText(sku.label);

  // Ship it, then complete it, from the overview; each asks first.
  await orders.getByRole("button", { name: `Ship order ${orderNumber}` }).click();
  await adminPage.getByRole("dialog", { name: `Ship order ${orderNumber}?` }).getByRole("button", { name: "Yes, ship it" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: `Order ${orderNumber} shipped.` })).toBeVisible();
  await adminPage.getByLabel("Status").selectOption("shipped");
  await orders.getByRole("button", { name: `Complete order ${orderNumber}` }).click();
  await adminPage.getByRole("dialog", { name: `Complete order ${orderNumber}?` }).getByRole("button", { name: "Yes, complete it" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: `Order ${orderNumber} completed.` })).toBeVisible();
  await adminPage.getByLabel("Status").selectOption("completed");
  await expect(orders.getByRole("button", { name: orderNumber, exact: true })).toBeVisible();

  await adminContext.close();
  await shopperContext.close();
});
