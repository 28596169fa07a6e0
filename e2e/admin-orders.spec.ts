import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser } from "@playwright/test";
import { newUsername } from "./pages/login";
import { AUTH_FILE, pageOverflow, VIEWPORTS } from "./support/audit";
import { makeVariant, sql } from "./support/fixtures";

// Variants and orders of their own: specs share one database and run in parallel.
const PRODUCT = "Harbor Canvas Backpack";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

test.use({ storageState: AUTH_FILE.admin });

/** A new shopper in a browser of their own with two cash-on-delivery orders of one unit each, placed through the API as the checkout page would. */
async function shopperWithOrders(browser: Browser, skuId: number) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const username = newUsername("ord");
  expect((await context.request.post("/api/auth/register", { data: { username, password: "password123" } })).status()).toBe(201);
  const address = await context.request.post("/api/addresses", { data: { name: "Robin Order", email: "robin@example.com", phone: "+1 555 0100", line1: "7 Pier Lane", city: "Portland", region: "Oregon", postcode: "97201", country: "US" } });
  const addressId = (await address.json()).address.id as number;
  const orders: { orderId: string; orderNumber: string }[] = [];
  for (let i = 0; i < 2; i++) {
    expect((await context.request.post("/api/cart/items", { data: { skuId, count: 1 } })).status()).toBe(201);
    const placed = await context.request.post("/api/orders", { headers: { "Idempotency-Key": `ord-${newUsername("")}` }, data: { addressId, payMethod: "cod" } });
    expect(placed.status()).toBe(201);
    orders.push((await placed.json()).order);
  }
  return { context, username, orders };
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  test(`at ${viewport.width} px the owner finds an order by number, cancels it, and ships another with a tracking number the shopper then sees (${device})`, async ({ page, browser }) => {
    await page.setViewportSize(viewport);
    const sku = await makeVariant(PRODUCT, { stock: 5 });
    const shopper = await shopperWithOrders(browser, sku.skuId);
    const [toCancel, toShip] = shopper.orders as [{ orderId: string; orderNumber: string }, { orderId: string; orderNumber: string }];
    const expectNoSideScroll = async () => {
      const { scrollWidth, innerWidth } = await pageOverflow(page);
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    };
    const stock = async () => (await sql<{ stock: number }[]>("SELECT stock FROM skus WHERE id = ?", [sku.skuId]))[0]!.stock;
    expect(await stock()).toBe(3);

    // Found by its number, typed in lower case.
    await page.goto("/admin/orders");
    const search = page.getByRole("search", { name: "Find orders" });
    await search.getByLabel("Search").fill(toCancel.orderNumber.toLowerCase());
    await search.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(new RegExp(`q=${toCancel.orderNumber.toLowerCase()}`));
    const list = page.getByRole("table", { name: "Newest orders" });
    await expect(list.getByRole("row")).toHaveCount(2); // the header and the one order
    await expect(list.getByRole("row", { name: new RegExp(`^${toCancel.orderNumber}`) })).toContainText(shopper.username);
    await expectNoSideScroll();
    await list.getByRole("link", { name: `Open order ${toCancel.orderNumber}` }).click();

    // Its page: lines with where they ship from, the customer, the timeline.
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Order ${toCancel.orderNumber}`);
    await expect(page.getByRole("list", { name: `Lines of order ${toCancel.orderNumber}` })).toContainText(sku.label);
    await expect(page.getByRole("list", { name: `Where ${sku.label} ships from` })).toContainText("1 from");
    await expect(page.getByRole("list", { name: "Status changes" })).toContainText(`Placed · Awaiting shipment by ${shopper.username} (shopper)`);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await expectNoSideScroll();

    // Cancelled after asking; the unit is back and the timeline says who did it.
    await page.getByRole("button", { name: "Cancel order" }).click();
    await page.getByRole("dialog", { name: `Cancel order ${toCancel.orderNumber}?` }).getByRole("button", { name: "Yes, cancel order" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Order ${toCancel.orderNumber} cancelled` })).toBeVisible();
    await expect(page.getByTestId("admin-order-status")).toHaveText("Cancelled");
    await expect(page.getByRole("list", { name: "Status changes" })).toContainText("Cancelled by admin (admin)");
    await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
    expect(await stock()).toBe(4);

    // The other, by its number straight in the address, shipped with a carrier and tracking number.
    await page.goto(`/admin/orders/${toShip.orderNumber}`);
    const shipForm = page.getByRole("form", { name: `Ship order ${toShip.orderNumber}` });
    await shipForm.getByLabel("Carrier (optional)").fill("DHL");
    await shipForm.getByLabel("Tracking number (optional)").fill(`JD0002${viewport.width}`);
    await shipForm.getByRole("button", { name: "Ship order" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Order ${toShip.orderNumber} shipped.` })).toBeVisible();
    await expect(page.getByTestId("admin-order-status")).toHaveText("Shipped");
    await expect(page.getByTestId("admin-tracking")).toHaveText(`JD0002${viewport.width}`);

    // The shopper sees it on their order page.
    const theirs = await shopper.context.newPage();
    await theirs.setViewportSize(viewport);
    await theirs.goto(`/orders/${toShip.orderId}`);
    await expect(theirs.getByTestId("order-status")).toHaveText("Shipped");
    await expect(theirs.getByTestId("order-tracking")).toHaveText(`Shipped with DHL · tracking number JD0002${viewport.width}`);
    await shopper.context.close();
  });
}

test("selected orders ship together, each reported, and print one packing slip per order", async ({ page, browser }) => {
  const sku = await makeVariant(PRODUCT, { stock: 5 });
  const shopper = await shopperWithOrders(browser, sku.skuId);
  await shopper.context.close();
  const [first, second] = shopper.orders as [{ orderId: string; orderNumber: string }, { orderId: string; orderNumber: string }];
  // One of the two cannot move: it is already shipped.
  await sql("UPDATE orders SET status = 'shipped' WHERE id = ?", [second.orderId]);

  await page.goto(`/admin/orders?q=${shopper.username}`);
  const list = page.getByRole("table", { name: "Newest orders" });
  await expect(list.getByRole("row")).toHaveCount(3);
  for (const o of [first, second]) await list.getByRole("checkbox", { name: `Select order ${o.orderNumber}` }).check();
  await expect(page.getByRole("group", { name: "Selected orders" })).toContainText("2 selected");
  await page.getByRole("button", { name: "Ship selected" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Shipped 1 of 2" })).toContainText(second.orderNumber);
  await expect(list).toContainText(`${first.orderNumber}: shipped`);
  await expect(list).toContainText(`${second.orderNumber}: not shipped`);

  await page.goto(`/admin/orders/slips?ids=${first.orderId},${second.orderId}`);
  await expect(page.getByRole("article")).toHaveCount(2);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Console" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
});
