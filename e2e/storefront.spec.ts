import { expect, test, type Page } from "@playwright/test";
import { LoginPage, newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";
import { makeVariant, setStock } from "./support/fixtures";

// The shopper's side of issue 15: forms that keep what was typed, stock-aware quantities, fixes
// on the checkout page, catalog URLs, the cancel dialog and short order numbers.
const PRODUCT = "Harbor Canvas Backpack";

async function newShopper(page: Page, prefix: string) {
  const username = newUsername(prefix);
  expect((await page.request.post("/api/auth/register", { data: { username, password: "password123" } })).status()).toBe(201);
  return username;
}

test("login and register keep the username after each error, never the password, and say each error once", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn("nobody-here", "wrong-password");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page.getByLabel("Username")).toHaveValue("nobody-here");
  await expect(page.getByLabel("Password")).toHaveValue("");

  // The rule is there before anything is submitted.
  await page.goto("/register");
  await expect(page.getByText("At least 8 characters.")).toBeVisible();
  const username = newUsername("keep");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Register" }).click();
  const alerts = page.getByRole("main").getByRole("alert");
  await expect(alerts).toHaveCount(1);
  await expect(alerts).toHaveText("Password must be at least 8 characters.");
  await expect(page.getByLabel("Username")).toHaveValue(username);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");

  // A taken name is said at the username field, the name kept.
  expect((await page.request.post("/api/auth/register", { data: { username: `${username}x`, password: "password123" } })).status()).toBe(201);
  await page.context().clearCookies();
  await page.goto("/register");
  await page.getByLabel("Username").fill(`${username}x`);
  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Register" }).click();
  await expect(alerts).toHaveCount(1);
  await expect(alerts).toHaveText("That username is taken.");
  await expect(page.getByLabel("Username")).toHaveValue(`${username}x`);
  await expect(page.getByLabel("Password")).toHaveValue("");
});

test("the address form keeps what was typed after an error and says it at the field", async ({ page }) => {
  await newShopper(page, "addr");
  const sku = await makeVariant(PRODUCT, { stock: 10 });
  expect((await page.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } })).status()).toBe(201);
  await page.goto("/checkout");
  // A first order: the address form comes before the button that needs it.
  const form = page.getByRole("form", { name: "New delivery address" });
  const place = page.getByRole("button", { name: "Place order" });
  expect((await form.boundingBox())!.y).toBeLessThan((await place.boundingBox())!.y);
  await expect(place).toBeDisabled();

  await page.getByLabel("Full name").fill("Pat Buyer");
  await page.getByLabel("E-mail").fill("pat@example.com");
  await page.getByLabel("Phone").fill("call me");
  await page.getByLabel("Address line 1").fill("12 Elm Street");
  await page.getByLabel("City").fill("Portland");
  await page.getByLabel("State / region (optional)").fill("Oregon");
  await page.getByLabel("Postcode").fill("97201");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(form.getByText("Phone must be 5-31 digits, spaces, ( ) or -.")).toBeVisible();
  await expect(form.getByRole("alert")).toHaveCount(0); // said at the field, not again in a banner
  await expect(page.getByLabel("Full name")).toHaveValue("Pat Buyer");
  await expect(page.getByLabel("State / region (optional)")).toHaveValue("Oregon");
  await expect(page.getByLabel("Address line 1")).toHaveValue("12 Elm Street");
  await expect(page.getByLabel("Country")).toHaveValue("US");
  await expect(page.getByLabel("Phone")).toHaveValue("call me");

  await page.getByLabel("Phone").fill("+1 555 0199");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(page.getByRole("radio", { name: /12 Elm Street/ })).toBeChecked();
  await expect(place).toBeEnabled();
});

test("a guest reaches checkout without an account", async ({ page }) => {
  await page.goto("/checkout");
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(page.getByText("Nothing is selected in your cart.")).toBeVisible();
});

test("the product page says how many can be added instead of changing the quantity; the server refuses more", async ({ page }) => {
  await newShopper(page, "cap");
  const sku = await makeVariant(PRODUCT, { stock: 3 });
  await new ShopPage(page).openVariant(sku);
  const quantity = page.getByRole("spinbutton", { name: "Quantity" });
  await expect(page.getByTestId("qty-cap")).toHaveText("Only 3 left, so you can add up to 3.");
  // Too many, zero, or less: said at the field, kept as typed, and nothing is added.
  for (const [typed, said] of [["7", "Only 3 left. You can add 3 more."], ["0", "The quantity must be at least 1."], ["-1", "The quantity must be at least 1."]] as const) {
    await quantity.fill(typed);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByTestId("qty-error")).toHaveText(said);
    await expect(quantity).toHaveValue(typed);
    await expect(quantity).toHaveAttribute("aria-invalid", "true");
  }
  await expect(page.getByRole("status").filter({ hasText: "to your cart" })).toHaveCount(0);
  expect((await (await page.request.get("/api/cart")).json()).items).toEqual([]);
  await quantity.fill("3");
  await expect(page.getByTestId("qty-error")).toHaveCount(0);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "to your cart" })).toContainText(`Added 3 × ${PRODUCT} (${sku.name})`);
  // All of it is in the cart now: nothing more can be added, and the page says why.
  await expect(page.getByTestId("qty-cap")).toHaveText("Only 3 left, and 3 already in your cart. You cannot add more.");
  await expect(page.getByRole("button", { name: "Add to cart" })).toBeDisabled();

  const more = await page.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } });
  expect(more.status()).toBe(409);
  expect((await more.json()).error).toMatchObject({ code: "OUT_OF_STOCK", message: `Only 3 left of ${sku.label}, and your cart already has 3.` });
});

test("a line that ran short is fixed from the checkout page in one click, before and after Place order", async ({ page }) => {
  await newShopper(page, "fix");
  const shop = new ShopPage(page);
  const a = await makeVariant(PRODUCT, { stock: 5 });
  const b = await makeVariant(PRODUCT, { stock: 5 });
  for (const sku of [a, b]) expect((await page.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 3 } })).status()).toBe(201);

  // Before submitting: the page reads current stock and offers the fix under the line.
  await setStock(a.skuId, 2);
  await shop.openCheckout();
  await shop.ensureAddress();
  const lines = page.getByRole("table", { name: "Items to order" });
  await expect(lines.getByTestId(`line-note-${a.skuId}`)).toContainText("Only 2 left — you have 3 in your cart.");
  await lines.getByRole("button", { name: `Reduce to 2 of ${a.label}` }).click();
  await expect(lines.getByTestId(`line-note-${a.skuId}`)).toHaveCount(0);
  await expect(lines.getByRole("row", { name: new RegExp(a.label) })).toContainText("2");

  // After submitting: stock moved while the page was open; the refusal offers the same fix, once.
  await setStock(b.skuId, 1);
  await page.getByRole("button", { name: "Place order" }).click();
  const refusal = page.getByRole("main").getByRole("alert");
  await expect(refusal).toHaveCount(1);
  await expect(refusal).toContainText(`Nothing was ordered. Only 1 left of ${b.label} (you asked for 3).`);
  expect((await refusal.textContent())!.match(/Only 1 left/g)).toHaveLength(1);
  await refusal.getByRole("button", { name: `Reduce to 1 of ${b.label}` }).click();
  await expect(refusal).toHaveCount(0);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
  await expect(page.getByRole("status").filter({ hasText: "Order placed — thank you" })).toBeVisible();
});

test("search, category and sort are URL parameters, with an empty state and a way back", async ({ page }) => {
  await page.goto("/?q=canvas");
  const products = page.getByRole("list", { name: "Products" }).getByRole("listitem");
  await expect(products).toHaveCount(1);
  await expect(products.getByRole("heading", { name: PRODUCT })).toBeVisible();
  await expect(page.getByRole("searchbox", { name: "Search products" })).toHaveValue("canvas");

  await page.goto("/?category=Audio");
  await expect(products).toHaveCount(1);
  await expect(products.getByRole("heading", { name: "Pulse Wireless Earbuds" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Categories" }).getByRole("link", { name: "Audio" })).toHaveAttribute("aria-current", "page");

  for (const [sort, sign] of [
    ["price-asc", 1],
    ["price-desc", -1],
  ] as const) {
    await page.goto(`/?sort=${sort}`);
    const prices = (await page.getByTestId("product-price").allTextContents()).filter((t) => t !== "Unavailable").map((t) => Number(t.replace(/[^0-9.]/g, "")));
    expect(prices.length).toBeGreaterThan(3);
    expect(prices).toEqual([...prices].sort((x, y) => sign * (x - y)));
  }

  // Typed into the header: the same URL.
  await page.goto("/");
  await page.getByRole("searchbox", { name: "Search products" }).fill("ceramic");
  await page.getByRole("searchbox", { name: "Search products" }).press("Enter");
  await expect(page).toHaveURL(/\/\?q=ceramic$/);
  await expect(products).toHaveCount(1);

  await page.goto("/?q=no-such-thing-at-all");
  await expect(page.getByTestId("no-results")).toContainText("No products match “no-such-thing-at-all”");
  await page.getByRole("link", { name: "See all products" }).click();
  await expect(page).toHaveURL(/\/$/);
  expect(await products.count()).toBeGreaterThan(5);
});

test("cancel asks in a dialog: dismissing leaves the order, confirming cancels it", async ({ page }) => {
  await newShopper(page, "dlg");
  const sku = await makeVariant(PRODUCT, { stock: 10 });
  expect((await page.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } })).status()).toBe(201);
  const orderId = await new ShopPage(page).checkout("Cash on delivery");
  const status = page.getByTestId("order-status");
  await expect(status).toHaveText("Awaiting shipment");

  await page.getByRole("button", { name: "Cancel order" }).click();
  const dialog = page.getByRole("dialog", { name: /^Cancel order SR-/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Keep order" }).click();
  await expect(dialog).toBeHidden();
  await page.goto(`/orders/${orderId}`);
  await expect(status).toHaveText("Awaiting shipment");

  // Escape dismisses too.
  await page.getByRole("button", { name: "Cancel order" }).click();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(status).toHaveText("Awaiting shipment");

  await page.getByRole("button", { name: "Cancel order" }).click();
  await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(status).toHaveText("Cancelled");
  await page.reload();
  await expect(status).toHaveText("Cancelled");
});

test("an order's short number is shown everywhere and resolves in the URL", async ({ page }) => {
  await newShopper(page, "num");
  const sku = await makeVariant(PRODUCT, { stock: 10 });
  expect((await page.request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } })).status()).toBe(201);
  const orderId = await new ShopPage(page).checkout("Pay online");

  const placed = page.getByRole("status").filter({ hasText: "Order placed — thank you" });
  await expect(placed).toBeVisible();
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toHaveText(/^Order SR-[0-9A-HJKMNP-TV-Z]{6}$/);
  const number = (await heading.textContent())!.replace("Order ", "");
  await expect(placed).toContainText(number);
  await expect(page).toHaveTitle(`Order ${number} · Stockroom`);
  await expect(page.getByRole("button", { name: /^Pay now/ })).toContainText("simulated");

  // The greeting is for the moment of placing, not every visit.
  await page.reload();
  await expect(placed).toHaveCount(0);

  for (const ref of [number, number.toLowerCase(), orderId]) {
    await page.goto(`/orders/${ref}`);
    await expect(heading).toHaveText(`Order ${number}`);
  }
  await page.goto("/orders");
  await page.getByRole("link", { name: number }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${number}$`));
  await expect(heading).toHaveText(`Order ${number}`);

  // Someone else's number is a 404, like their id.
  await page.context().clearCookies();
  await newShopper(page, "num2");
  await page.goto(`/orders/${number}`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("every shopper page has its own title and the header is one row on a phone", async ({ page }) => {
  for (const [path, title] of [
    ["/", "Shop · Stockroom"],
    ["/cart", "Cart · Stockroom"],
    ["/login", "Log in · Stockroom"],
    ["/register", "Register · Stockroom"],
    ["/?q=mug", "“mug” · Stockroom"],
  ] as const) {
    await page.goto(path);
    await expect(page).toHaveTitle(title);
  }
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/");
  const header = await page.locator(".site-header").boundingBox();
  expect(header!.height).toBeLessThanOrEqual(64);
  await expect(page.getByRole("searchbox", { name: "Search products" })).toBeVisible();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  expect((await page.request.get("/favicon.ico")).status()).toBe(200);
});
