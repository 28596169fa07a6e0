import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { AUDIT_SHOPPER_FILE, AUTH_FILE, missingHeading, pageOverflow, pagesFor, settle, VIEWPORTS, type Role } from "./support/audit";

/**
 * Every page as guest, shopper and admin, on a 360 px phone and a 1280 px laptop: no horizontal
 * page scroll, and zero axe violations for WCAG 2.0/2.1 A and AA (every impact, not only serious).
 * One test per role and width visits all pages, so the run stays short; the failure lists every
 * page that broke, not only the first.
 */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const ROLES: Role[] = ["guest", "shopper", "admin"];

for (const role of ROLES) {
  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    test.describe(`${role} on a ${device}`, () => {
      test.use({ viewport, storageState: role === "guest" ? { cookies: [], origins: [] } : AUTH_FILE[role] });

      test(`${role} at ${viewport.width} px: every page fits the width and passes axe`, async ({ page }) => {
        test.slow(); // nine pages, each scanned by axe, on a shared 2-core machine
        const shopperName = role === "shopper" ? (await readFile(AUDIT_SHOPPER_FILE, "utf8")).trim() : undefined;
        const problems: string[] = [];
        for (const audited of await pagesFor(role, shopperName)) {
          const { path, name } = audited;
          await page.goto(path);
          await settle(page);
          // An error or not-found page would pass the audit below in place of the page itself.
          const missing = await missingHeading(page, audited);
          if (missing) {
            problems.push(`${name} (${path}): ${missing}`);
            continue;
          }
          const { scrollWidth, innerWidth } = await pageOverflow(page);
          if (scrollWidth > innerWidth) problems.push(`${name} (${path}): page is ${scrollWidth} px wide in a ${innerWidth} px window`);
          const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
          for (const v of violations) {
            problems.push(`${name} (${path}): axe ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
          }
        }
        expect(problems, `${role} at ${viewport.width} px`).toEqual([]);
      });
    });
  }
}
