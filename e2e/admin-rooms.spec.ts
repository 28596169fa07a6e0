import { expect, test, type Page } from "@playwright/test";
import { AdminConsole, type Room } from "./pages/admin";
import { LoginPage, newUsername } from "./pages/login";
import { ADMIN_ROOMS, AUTH_FILE, settle, VIEWPORTS } from "./support/audit";
import { makeVariant } from "./support/fixtures";

/*
 * The console's rooms: each its own address, title and heading, reached from the left navigation
 * (a menu on a phone) with the current room marked; back and forward move between them; a
 * shopper meets a real 403 on every one. That each fits a phone and passes axe at both widths is
 * e2e/a11y.spec.ts's (every admin page).
 */
const ROOMS: { room: Room; path: string }[] = [{ room: "Home", path: "/admin" }, ...ADMIN_ROOMS.map((r) => ({ room: r.heading, path: r.path }))];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function inRoom(page: Page, { room, path }: { room: Room; path: string }) {
  await expect(page).toHaveURL(new RegExp(`${escape(path)}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(room);
  await expect(page).toHaveTitle(`${room} · Admin · Stockroom`);
  const nav = page.getByRole("navigation", { name: "Console" });
  // By attribute, not role: on a phone the menu is folded away, and its links with it.
  await expect(nav.locator("a[aria-current='page']")).toHaveCount(1);
  await expect(nav.locator("a[aria-current='page']")).toHaveText(room);
}

test.describe("the admin", () => {
  test.use({ storageState: AUTH_FILE.admin });

  test("at 1280 px walks every room from the left navigation, then back and forward", async ({ page }) => {
    await page.setViewportSize(VIEWPORTS.desktop);
    const admin = new AdminConsole(page);
    await admin.goto("/admin");
    await inRoom(page, ROOMS[0]!);
    // A column of links, always there: no menu button on a wide screen.
    await expect(page.getByRole("button", { name: "Console menu" })).toBeHidden();
    for (const r of ROOMS.slice(1)) {
      await admin.open(r.room);
      await inRoom(page, r);
    }
    // Back through the history, room by room, then forward again.
    for (const r of ROOMS.slice(0, -1).reverse()) {
      await page.goBack();
      await inRoom(page, r);
    }
    await page.goForward();
    await inRoom(page, ROOMS[1]!);
    // A room's address is its own: a reload stays there.
    await page.reload();
    await inRoom(page, ROOMS[1]!);
  });

  test("at 360 px moves between rooms through the console menu, which closes after each move and on Escape", async ({ page }) => {
    await page.setViewportSize(VIEWPORTS.phone);
    const admin = new AdminConsole(page);
    await admin.goto("/admin");
    const menu = page.getByRole("button", { name: "Console menu" });
    const orders = page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Orders", exact: true });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(orders).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await page.keyboard.press("Escape");
    await expect(orders).toBeHidden();

    for (const r of [ROOMS[3]!, ROOMS[4]!, ROOMS[2]!, ROOMS[5]!]) {
      await admin.open(r.room);
      await inRoom(page, r);
      await expect(menu).toHaveAttribute("aria-expanded", "false");
    }
    await page.goBack();
    await inRoom(page, ROOMS[2]!);
    await page.goForward();
    await inRoom(page, ROOMS[5]!);
  });

  // Every room's fit and axe at both widths: e2e/a11y.spec.ts (the admin's pages include them all).
  for (const viewport of Object.values(VIEWPORTS)) {
    test(`the stock table's key columns are on screen at ${viewport.width} px`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.goto("/admin/stock");
      await settle(page);
      // Name, stock, status and the row's actions are all within the window, without scrolling sideways.
      const row = page.getByRole("table", { name: "Stock by SKU" }).getByRole("row").nth(1);
      for (const part of [row.getByRole("rowheader"), row.getByTestId("stock"), row.getByRole("switch"), row.getByRole("button", { name: /^Manage / })]) {
        const box = (await part.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      }
    });
  }

  test("the home links into its rooms: a drop launching today, low stock sorted, unpaid orders filtered", async ({ page }) => {
    // Launching in half an hour, with a limit: one of today's drops, upcoming.
    const sku = await makeVariant("Harbor Canvas Backpack", { stock: 3, saleStartsAt: new Date(Date.now() + 30 * 60_000), perCustomerLimit: 1 });
    await page.goto("/admin");
    await expect(page.getByRole("heading", { level: 2, name: "Today's drops" })).toBeVisible();
    await expect(page.getByTestId("unpaid-count")).toHaveText(/^\d+$/);

    // The drops room lists it as upcoming, and opens its live view.
    await page.getByRole("link", { name: "All drops" }).click();
    await expect(page).toHaveURL(/\/admin\/drops$/);
    const listed = page.getByRole("table", { name: "Drops" }).getByRole("row", { name: new RegExp(`^${escape(sku.label)}`) });
    await expect(listed).toContainText("Upcoming");
    await listed.getByRole("link", { name: sku.label }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/drops/${sku.skuId}$`));
    await expect(page).toHaveTitle(`Drop: ${sku.label} · Admin · Stockroom`);
    await expect(page.getByRole("region", { name: `Drop: ${sku.label}` })).toBeVisible();
    // Still the drops room in the navigation.
    await expect(page.getByRole("navigation", { name: "Console" }).locator("a[aria-current='page']")).toHaveText("Drops");
    // The old address of a drop opens the same page.
    await page.goto(`/admin?drop=${sku.skuId}`);
    await expect(page).toHaveURL(new RegExp(`/admin/drops/${sku.skuId}$`));

    await page.goto("/admin");
    await page.getByRole("link", { name: "Open stock" }).click();
    await expect(page).toHaveURL(/\/admin\/stock\?sort=stock-asc$/);
    await expect(page.getByLabel("Sort by")).toHaveValue("stock-asc");

    await page.goto("/admin");
    await page.getByRole("link", { name: "All unpaid orders" }).click();
    await expect(page).toHaveURL(/\/admin\/orders\?status=unpaid$/);
    await expect(page.getByLabel("Status")).toHaveValue("unpaid");
  });
});

test("a shopper gets status 403 and the admins-only page in every room; a guest is sent to log in and back", async ({ browser }) => {
  const shopper = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  expect((await shopper.request.post("/api/auth/register", { data: { username: newUsername("rooms"), password: "password123" } })).status()).toBe(201);
  const page = await shopper.newPage();
  for (const { path } of [...ROOMS, { path: "/admin/drops/1" }]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "403 · Admins only" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Console" })).toHaveCount(0);
  }
  await shopper.close();

  const guest = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const login = await guest.newPage();
  await login.goto("/admin/locations");
  await expect(login).toHaveURL(/\/login\?next=%2Fadmin%2Flocations$/);
  await new LoginPage(login).logIn("admin", "admin12345");
  await expect(login).toHaveURL(/\/admin\/locations$/);
  await expect(login.getByRole("heading", { level: 1 })).toHaveText("Locations");
  await guest.close();
});
