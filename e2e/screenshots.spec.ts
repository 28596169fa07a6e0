import { mkdir, readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { AUDIT_SHOPPER_FILE, AUTH_FILE, pagesFor, settle, VIEWPORTS, type Role } from "./support/audit";

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

      test(`${device} screenshots as ${role}`, async ({ page }) => {
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
      });
    });
  }
}
