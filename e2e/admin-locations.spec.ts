import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { AdminConsole } from "./pages/admin";
import { newUsername } from "./pages/login";
import { AUTH_FILE } from "./support/audit";
import { makeVariant } from "./support/fixtures";

/*
 * Locations are shop-wide and the e2e database is shared by specs running in parallel. Every
 * location made here has a name of its own and a priority after "Main warehouse", and "Main
 * warehouse" is never deactivated: a SKU the other specs make (makeVariant) keeps all its units
 * there and sells from there, whatever is added here.
 */
const PRODUCT = "Harbor Canvas Backpack";
const MAIN = "Main warehouse";

test.use({ storageState: AUTH_FILE.admin });

async function addLocation(request: APIRequestContext, prefix: string, priority: number) {
  const name = `${prefix} ${newUsername("")}`;
  const created = await request.post("/api/admin/locations", { data: { name, priority } });
  expect(created.status()).toBe(201);
  return (await created.json()).location as { locationId: number; name: string };
}

/** A shopper in a browser of their own orders `count` units through the API, as the checkout page would. */
async function shopperBuys(page: Page, skuId: number, count: number) {
  const shopper = await page.context().browser()!.newContext({ storageState: { cookies: [], origins: [] } });
  try {
    const { request } = shopper;
    expect((await request.post("/api/auth/register", { data: { username: newUsername("loc"), password: "password123" } })).status()).toBe(201);
    const address = await request.post("/api/addresses", { data: { name: "Lee Locations", email: "e2e@example.com", phone: "+1 555 0142", line1: "4 Shelf Street", city: "Portland", region: "Oregon", postcode: "97201", country: "US" } });
    expect((await request.post("/api/cart/items", { data: { skuId, count } })).status()).toBe(201);
    const placed = await request.post("/api/orders", { headers: { "Idempotency-Key": `loc-${newUsername("")}` }, data: { addressId: (await address.json()).address.id, payMethod: "cod" } });
    expect(placed.status()).toBe(201);
    return ((await placed.json()).order as { orderNumber: string }).orderNumber;
  } finally {
    await shopper.close();
  }
}

test("the drawer shows stock per location live, a transfer moves units between two, and the order says where it ships from", async ({ page }) => {
  test.slow(); // a checkout and an adjustment behind the page, each waited for through the 2 s poll
  const store = await addLocation(page.request, "Store", 50);
  const sku = await makeVariant(PRODUCT, { stock: 5 });
  const admin = new AdminConsole(page);
  await admin.goto();
  await (await admin.row(sku.label)).getByRole("button", { name: `Manage ${sku.label}` }).click();
  const drawer = page.getByRole("dialog", { name: sku.label });
  const byLocation = drawer.getByRole("table", { name: `Stock of ${sku.label} by location` });
  const at = (name: string) => byLocation.getByRole("row", { name: new RegExp(`^${name}`) }).getByRole("cell").last();
  await expect(at(MAIN)).toHaveText("5");

  // Bad input: one readable message at the Units field, and every field keeps what was typed.
  const transfer = drawer.getByRole("form", { name: `Transfer stock of ${sku.label}` });
  await transfer.getByLabel("From").selectOption({ label: MAIN });
  await transfer.getByLabel("To").selectOption({ label: store.name });
  await transfer.getByLabel("Units").fill("two");
  await transfer.getByLabel("Reason").fill("Stock the store");
  await transfer.getByRole("button", { name: "Transfer units" }).click();
  await expect(transfer.getByRole("alert")).toHaveCount(1);
  await expect(transfer.getByRole("alert")).toHaveText("Count must be a whole number of units, 1 or more.");
  await expect(transfer.getByLabel("Units")).toHaveAttribute("aria-invalid", "true");
  await expect(transfer.getByLabel("Units")).toHaveValue("two");
  await expect(transfer.getByLabel("Reason")).toHaveValue("Stock the store");
  await expect(transfer.getByLabel("To")).toHaveValue(String(store.locationId));
  await expect(at(MAIN)).toHaveText("5");

  // More than the source holds: refused with what it holds, nothing moved.
  await transfer.getByLabel("Units").fill("9");
  await transfer.getByRole("button", { name: "Transfer units" }).click();
  await expect(transfer.getByRole("alert")).toContainText("5");
  await expect(transfer.getByLabel("Units")).toHaveValue("9");

  // Fixed: the status line says it, and both numbers change; the sellable total stays.
  await transfer.getByLabel("Units").fill("2");
  await transfer.getByRole("button", { name: "Transfer units" }).click();
  await expect(transfer.getByRole("status")).toHaveText(`Moved 2 from ${MAIN} to ${store.name}. Sellable stock is 5.`);
  await expect(transfer.getByRole("alert")).toHaveCount(0);
  await expect(at(MAIN)).toHaveText("3");
  await expect(at(store.name)).toHaveText("2");
  await expect(byLocation.getByRole("row", { name: /^Sellable total/ })).toContainText("5");
  const history = drawer.getByRole("table", { name: "Adjustment history" });
  await expect(history.getByRole("row", { name: /Stock the store/ })).toHaveCount(2);

  // A checkout behind the page: the main warehouse drains first, then the store; the drawer follows within the poll.
  const orderNumber = await shopperBuys(page, sku.skuId, 4);
  await expect(at(MAIN)).toHaveText("0");
  await expect(at(store.name)).toHaveText("1");
  await expect(drawer.getByTestId("panel-counts")).toContainText("1 in stock · 4 sold");

  // An adjustment behind the page (the API, as another admin's tab would), named for the store.
  const adjusted = await page.request.post(`/api/admin/stock/${sku.skuId}/adjustments`, { data: { delta: 6, reason: "Delivery to the store", locationId: store.locationId } });
  expect(adjusted.status()).toBe(201);
  await expect(at(store.name)).toHaveText("7");
  await expect(byLocation.getByRole("row", { name: /^Sellable total/ })).toContainText("7");

  // The order's lines say where its units ship from.
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  await admin.open("Orders");
  const orders = page.getByRole("table", { name: "Newest orders" });
  await orders.getByRole("button", { name: orderNumber, exact: true }).click();
  await expect(page.getByRole("list", { name: `Lines of order ${orderNumber}` })).toContainText(`4 × $59.00 · ships from ${MAIN} × 3, ${store.name} × 1`);
});

test("the locations manager adds, renames, re-prioritises, deactivates and reactivates a location, keeping what was typed when refused", async ({ page }) => {
  await new AdminConsole(page).goto("/admin/locations");
  const section = page.getByRole("main");
  const add = section.getByRole("form", { name: "Add a location" });

  // A taken name: said once, at the Name field, and the typing stays.
  await add.getByLabel("New location").fill(MAIN);
  await add.getByLabel("Priority").fill("60");
  await add.getByRole("button", { name: "Add location" }).click();
  await expect(add.getByRole("alert")).toHaveCount(1);
  await expect(add.getByRole("alert")).toHaveText(`There is already a location named “${MAIN}”.`);
  await expect(add.getByLabel("New location")).toHaveAttribute("aria-invalid", "true");
  await expect(add.getByLabel("New location")).toHaveValue(MAIN);
  await expect(add.getByLabel("Priority")).toHaveValue("60");

  const name = `Depot ${newUsername("")}`;
  await add.getByLabel("New location").fill(name);
  await add.getByRole("button", { name: "Add location" }).click();
  await expect(add.getByRole("status")).toContainText(`Added ${name} (priority 60).`);
  await expect(add.getByLabel("New location")).toHaveValue("");

  // Renamed and re-prioritised in its card; a bad priority is said at its field first.
  let card = section.getByRole("group", { name, exact: true });
  await card.getByLabel("Priority", { exact: true }).fill("soon");
  await card.getByRole("button", { name: `Save ${name}` }).click();
  await expect(card.getByRole("alert")).toHaveText("Priority must be a whole number, 0 or more (lower sells first).");
  await expect(card.getByLabel("Priority", { exact: true })).toHaveValue("soon");
  await card.getByLabel("Name", { exact: true }).fill(`${name} North`);
  await card.getByLabel("Priority", { exact: true }).fill("70");
  await card.getByRole("button", { name: `Save ${name}` }).click();
  card = section.getByRole("group", { name: `${name} North`, exact: true });
  await expect(card.getByRole("status")).toHaveText(`Saved: ${name} North, priority 70.`);
  await expect(card.getByLabel("Priority", { exact: true })).toHaveValue("70");

  // Deactivating asks first: going back changes nothing; confirmed, its units stop being sellable. Then active again.
  await card.getByRole("button", { name: `Deactivate ${name} North` }).click();
  const confirm = page.getByRole("dialog", { name: `Deactivate ${name} North?` });
  await confirm.getByRole("button", { name: "Go back" }).click();
  await expect(confirm).toBeHidden();
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  await card.getByRole("button", { name: `Deactivate ${name} North` }).click();
  await confirm.getByRole("button", { name: "Yes, deactivate" }).click();
  await expect(card.getByRole("status")).toHaveText(`${name} North is inactive: its units are kept but not sellable.`);
  await expect(card.getByText("Inactive: not sellable")).toBeVisible();
  await card.getByRole("button", { name: `Activate ${name} North` }).click();
  await expect(card.getByRole("status")).toHaveText(`${name} North is active: its units are sellable.`);
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
});
