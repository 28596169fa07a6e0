import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { AUTH_FILE, VIEWPORTS } from "./support/audit";
import { makeVariant, recordedDrop } from "./support/fixtures";

// A variant of its own on a seeded product: specs share one database and run in parallel.
const PRODUCT = "Aurora Phone X";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

test.use({ storageState: AUTH_FILE.admin });

async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

for (const [size, viewport] of Object.entries(VIEWPORTS)) {
  test(`the owner opens yesterday's drop from the drops room and downloads its CSV (${viewport.width} px)`, async ({ page }, testInfo) => {
    await page.setViewportSize(viewport);
    // Yesterday, 8 seconds of a drop of 10 units at 25.00, one per customer: 6 shoppers bought.
    const start = Math.floor(Date.now() / 1000) - 86_400 - 3_600;
    const { skuId, label } = await makeVariant(PRODUCT, { stock: 10, price: "25.00", perCustomerLimit: 1, saleStartsAt: new Date(start * 1000 - 1_500) });
    await recordedDrop(skuId, 6, {
      start,
      seconds: [{ units: 3, notStarted: 2 }, { units: 2, outOfStock: 0 }, { units: 0 }, { units: 1, outOfStock: 3 }, { units: 0, outOfStock: 5, limitReached: 1 }, { units: 0 }, { units: 0, outOfStock: 1 }, { units: 0 }],
      price: "25.00",
      stockAfter: 4,
      paidEvery: 2,
      cancelEvery: 6,
    });

    await page.goto("/admin/drops");
    const row = page.getByRole("row", { name: new RegExp(label) });
    // 6 units sold, the 6th order cancelled: 5 kept, $125.00; orders 2 and 4 paid.
    await expect(row).toContainText("125.00");
    await row.getByRole("link", { name: label }).click();

    await expect(page.getByRole("heading", { level: 1, name: `Drop report: ${label}` })).toBeVisible();
    await expect(page.getByTestId("report-units")).toHaveText("6");
    await expect(page.getByTestId("report-orders")).toHaveText("6");
    await expect(page.getByTestId("report-kept")).toContainText("125.00");
    await expect(page.getByTestId("report-conversion")).toHaveText("6 / 6");
    await expect(page.getByTestId("report-summary")).toHaveText(/^Not sold out: 6 units in 6 orders, 4 units left; 6 of 6 shoppers who tried bought \(100%\); shoppers refused: 9 out of stock, 1 over the limit, 2 before the launch\.$/);
    const money = page.getByRole("table", { name: "Money and units, from the orders" });
    await expect(money.getByRole("row", { name: /^Paid/ })).toHaveText(/^Paid\s*2\s*\$50\.00$/);
    await expect(money.getByRole("row", { name: /^Cancelled or expired/ })).toHaveText(/^Cancelled or expired\s*1\s*\$25\.00$/);
    for (const name of [/^Chart: units of .* sold per second/, /^Chart: checkout answers per second/, /^Chart: checkout latency/]) {
      await expect(page.getByRole("img", { name }).locator("canvas")).toHaveCount(1);
    }
    await noHorizontalScroll(page);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`${size === "phone" ? "phone" : "desktop"}-admin-drop-report.png`), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^drop-${skuId}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const rows = (await readFile((await download.path())!, "utf8")).trimEnd().split("\r\n").map((r) => r.split(","));
    expect(rows[0]!.slice(0, 5)).toEqual(["second", "epoch_second", "units_sold", "stock_left", "orders_created"]);
    // One row per second of the drop, then the summary.
    expect(rows).toHaveLength(1 + 8 + 1);
    expect(rows.slice(1, 9).map((r) => [Number(r[1]), Number(r[2]), Number(r[3])])).toEqual([
      [start, 3, 7],
      [start + 1, 2, 5],
      [start + 2, 0, 5],
      [start + 3, 1, 4],
      [start + 4, 0, 4],
      [start + 5, 0, 4],
      [start + 6, 0, 4],
      [start + 7, 0, 4],
    ]);
    expect(rows[9]!.slice(0, 4)).toEqual(["total", "", "6", "4"]);
  });
}
