import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { AUTH_FILE, VIEWPORTS } from "./support/audit";
import { scriptDrop } from "./support/drop";

// A variant of its own on a seeded product: specs share one database and run in parallel.
const PRODUCT = "Harbor Canvas Backpack";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

test.use({ storageState: AUTH_FILE.admin });

async function noHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

test("an admin watches a scripted drop: sold total, sell-out and refusals by reason, live, at 1280 px and 360 px", async ({ page, browser }) => {
  test.slow(); // five shoppers' sign-ups and checkouts beside a polling console, on a shared 2-core machine
  await page.setViewportSize(VIEWPORTS.desktop);
  const drop = await scriptDrop(browser, PRODUCT, async (skuId) => {
    await page.goto(`/admin/drops/${skuId}`);
    // Before the launch: watched, nothing sold yet.
    await expect(page.getByTestId("drop-sold")).toHaveText("0");
  });
  const view = page.getByRole("region", { name: `Drop: ${drop.sku.label}` });
  await expect(view).toBeVisible();

  // The page was open all along: the live poll brings the drop in, without a reload.
  await expect(view.getByTestId("drop-sold")).toHaveText(String(drop.sold));
  await expect(view.getByTestId("drop-stock")).toHaveText("0");
  await expect(view.getByTestId("drop-orders")).toHaveText(String(drop.orders));
  const summary = view.getByTestId("drop-summary");
  await expect(summary).toHaveText(/^Launch \d\d:\d\d:\d\d → sold out at \d\d:\d\d:\d\d, in \d+(\.\d)? s: 3 units in 3 orders; shoppers refused: 2 out of stock, 1 over the limit, 2 before the launch\.$/);
  await expect(view.getByRole("status")).toHaveText(/^Sold out in \d+(\.\d)? s\.$/);
  const answers = view.getByRole("table", { name: "Checkout answers, all together" });
  await expect(answers.getByRole("row", { name: /^Orders created/ })).toContainText("3");
  await expect(answers.getByRole("row", { name: /^Out of stock/ })).toContainText(String(drop.refused.OUT_OF_STOCK));
  await expect(answers.getByRole("row", { name: /^Over the limit/ })).toContainText(String(drop.refused.PURCHASE_LIMIT_REACHED));
  await expect(answers.getByRole("row", { name: /^Before the launch/ })).toContainText(String(drop.refused.SALE_NOT_STARTED));

  // Three charts, each named for what it plots, each drawn.
  for (const name of [/^Chart: units of .* sold per second \(bars\) and stock left/, /^Chart: checkout answers per second/, /^Chart: checkout latency/]) {
    const chart = view.getByRole("img", { name });
    await expect(chart).toBeVisible();
    await expect(chart.locator("canvas")).toHaveCount(1);
  }
  const recent = view.getByRole("table", { name: /^The last \d+ seconds$/ });
  await expect(recent.getByRole("row")).not.toHaveCount(1);

  for (const viewport of [VIEWPORTS.desktop, VIEWPORTS.phone]) {
    await page.setViewportSize(viewport);
    // The charts follow their column's width.
    await expect.poll(async () => (await view.locator("canvas").first().boundingBox())!.width).toBeLessThanOrEqual(viewport.width);
    await noHorizontalScroll(page);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  }
});
