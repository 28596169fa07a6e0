import { mkdir, readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { AUDIT_SHOPPER_FILE, AUTH_FILE, pagesFor, settle, VIEWPORTS, type Role } from "./support/audit";
import { scriptDrop } from "./support/drop";

/**
 * `npm run screenshots`: every page as guest, shopper and admin on a 360 px phone and a 1280 px
 * laptop, into docs/screenshots/<device>-<role>-<page>.png. Device scale 1 and the first screen
 * only, so each PNG stays small enough to commit. Not part of `npm test` (its own project).
 */
const OUT = "docs/screenshots";
const ROLES: Role[] = ["guest", "shopper", "admin"];

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
        // The console's two dialogs: the Manage drawer and the confirmation before shipping.
        await page.goto("/admin");
        await settle(page);
        await page.getByRole("button", { name: /^Manage / }).first().click();
        await expect(page.getByRole("dialog")).toBeVisible();
        await shot("admin-manage");
        await page.keyboard.press("Escape");
        await page.getByRole("button", { name: /^Ship order / }).first().click();
        await expect(page.getByRole("dialog")).toBeVisible();
        await shot("admin-confirm-ship");
        // The drop view after a small scripted drop, the whole section (charts, summary, tables).
        const drop = await scriptDrop(browser, "Harbor Canvas Backpack");
        await page.goto(`/admin?drop=${drop.sku.skuId}`);
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
