import { mkdir, readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { AUDIT_SHOPPER_FILE, AUTH_FILE, pagesFor, settle, VIEWPORTS, type Role } from "./support/audit";
import { scriptDrop } from "./support/drop";
import { sql } from "./support/fixtures";

/**
 * `npm run screenshots`: every page as guest, shopper and admin on a 360 px phone and a 1280 px
 * laptop, into docs/screenshots/<device>-<role>-<page>.png. Device scale 1 and the first screen
 * only, so each PNG stays small enough to commit. Not part of `npm test` (its own project).
 */
const OUT = "docs/screenshots";
const ROLES: Role[] = ["guest", "shopper", "admin"];

const STORE = "Store on Main Street";

/** A second location holding 3 units of the console's first SKU (once per run: both widths share it). */
async function stockTwoPlaces(request: APIRequestContext) {
  const { locations } = (await (await request.get("/api/admin/locations")).json()) as { locations: { locationId: number; name: string }[] };
  if (locations.some((l) => l.name === STORE)) return;
  const created = await request.post("/api/admin/locations", { data: { name: STORE, priority: 2 } });
  // The other width's test made it a moment ago, and moves the units.
  if (created.status() === 409) return;
  expect(created.status()).toBe(201);
  const store = (await created.json()).location as { locationId: number };
  const [first] = await sql<{ id: number }[]>("SELECT skus.id FROM skus JOIN spus ON spus.id = skus.spu_id ORDER BY spus.id, skus.id LIMIT 1");
  const main = locations[0]!.locationId;
  const moved = await request.post(`/api/admin/stock/${first!.id}/transfers`, { data: { fromLocationId: main, toLocationId: store.locationId, count: 3, reason: "Stock the store" } });
  expect(moved.status()).toBe(201);
}

for (const role of ROLES) {
  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    test.describe(`${device} ${role}`, () => {
      test.use({ viewport, deviceScaleFactor: 1, storageState: role === "guest" ? { cookies: [], origins: [] } : AUTH_FILE[role] });

      test(`${device} screenshots as ${role}`, async ({ page, browser }) => {
        test.slow();
        await mkdir(OUT, { recursive: true });
        const shot = (name: string) => page.screenshot({ path: `${OUT}/${device}-${role}-${name}.png`, animations: "disabled", caret: "hide" });
        const shopperName = role === "shopper" ? (await readFile(AUDIT_SHOPPER_FILE, "utf8")).trim() : undefined;
        for (const { path, name } of await pagesFor(role, shopperName)) {
          await page.goto(path);
          await settle(page);
          await shot(name);
        }
        if (role !== "admin") return;
        // The console's two dialogs: the Manage drawer (stock room) and the confirmation before shipping (orders room).
        await page.goto("/admin/stock");
        await settle(page);
        await page.getByRole("button", { name: /^Manage / }).first().click();
        await expect(page.getByRole("dialog")).toBeVisible();
        await shot("admin-manage");
        await page.keyboard.press("Escape");
        await page.goto("/admin/orders");
        await settle(page);
        await page.getByRole("button", { name: /^Ship order / }).first().click();
        await expect(page.getByRole("dialog")).toBeVisible();
        await shot("admin-confirm-ship");
        // The orders room: the newest order's page (timeline, moves) and its packing slip as printed.
        const { orders } = (await (await page.request.get("/api/admin/orders?limit=1")).json()) as { orders: { orderId: string; orderNumber: string }[] };
        await page.keyboard.press("Escape");
        await page.goto(`/admin/orders?q=${orders[0]!.orderNumber.toLowerCase()}`);
        await settle(page);
        // The whole page: on a phone the found order's card sits below the filters.
        await page.screenshot({ path: `${OUT}/${device}-admin-admin-orders-found.png`, fullPage: true, animations: "disabled", caret: "hide" });
        await page.goto(`/admin/orders/${orders[0]!.orderNumber}`);
        await settle(page);
        await shot("admin-order");
        await page.goto(`/admin/orders/slips?ids=${orders[0]!.orderId}`);
        await settle(page);
        await page.emulateMedia({ media: "print" });
        await shot("admin-order-slip-print");
        await page.emulateMedia({ media: "screen" });
        // Stock in two places: the first SKU's drawer with a few units moved to a store, then the locations manager.
        await stockTwoPlaces(page.request);
        await page.goto("/admin/stock");
        await settle(page);
        await page.getByRole("button", { name: /^Manage / }).first().click();
        await expect(page.getByRole("dialog").getByRole("row", { name: new RegExp(`^${STORE}`) })).toBeVisible();
        await shot("admin-locations");
        await page.keyboard.press("Escape");
        await page.goto("/admin/locations");
        await settle(page);
        await shot("admin-locations-manager");
        // The console's menu open on a phone.
        if (device === "phone") {
          await page.getByRole("button", { name: "Console menu" }).click();
          await expect(page.getByRole("link", { name: "Drops", exact: true })).toBeVisible();
          await shot("admin-menu");
        }
        // The drop view after a small scripted drop, the whole section (charts, summary, tables).
        const drop = await scriptDrop(browser, "Harbor Canvas Backpack");
        await page.goto(`/admin/drops/${drop.sku.skuId}`);
        const view = page.getByRole("region", { name: `Drop: ${drop.sku.label}` });
        await expect(view.getByTestId("drop-summary")).toContainText("sold out");
        // From the top of the page (header and heading) to the end of the view; a full-page shot keeps the sticky header at the top.
        const box = (await view.boundingBox())!;
        const clip = { x: 0, y: 0, width: viewport.width, height: Math.ceil(box.y + box.height + 16) };
        await page.screenshot({ path: `${OUT}/${device}-admin-drop.png`, fullPage: true, clip, animations: "disabled", caret: "hide" });
      });
    });
  }
}
