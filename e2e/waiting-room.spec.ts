import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";
import { AUTH_FILE, pageOverflow, VIEWPORTS } from "./support/audit";
import { crowdAhead, crowdPrequeue, makeVariant, setSaleFields, setWaitingRoom } from "./support/fixtures";

// A variant of its own on a seeded product: specs share one database and run in parallel.
const PRODUCT = "Harbor Canvas Backpack";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Axe and the page's width, with a picture of the state kept beside the test's results. */
async function audit(page: Page, state: string) {
  const { scrollWidth, innerWidth } = await pageOverflow(page);
  expect(scrollWidth, `${state} at ${innerWidth} px`).toBeLessThanOrEqual(innerWidth);
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(violations.map((v) => `${state} at ${innerWidth} px: ${v.id} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  const path = test.info().outputPath(`${state}-${innerWidth}.png`);
  await page.screenshot({ path });
  await test.info().attach(`${state} at ${innerWidth} px`, { path, contentType: "image/png" });
}

/** Every place in line the page showed, in order (the panel is polled, so this watches it, not a guess). */
async function watchPositions(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { e2ePositions: seen });
    setInterval(() => {
      const shown = document.querySelector("[data-testid=queue-position]")?.textContent;
      if (shown && seen.at(-1) !== shown) seen.push(shown);
    }, 50);
  });
  return async () => (await page.evaluate(() => (window as unknown as { e2ePositions: string[] }).e2ePositions)).map(Number);
}

async function shopper(browser: Browser, viewport: { width: number; height: number }, spuId: number, skuName: string) {
  const context = await browser.newContext({ viewport, storageState: { cookies: [], origins: [] } });
  expect((await context.request.post("/api/auth/register", { data: { username: newUsername("line"), password: "password123" } })).status()).toBe(201);
  const page = await context.newPage();
  await page.goto(`/products/${spuId}`);
  await page.getByRole("radio", { name: skuName }).check();
  return { context, page };
}

test("three shoppers, on a phone and two laptops, wait in a drop's line: places drawn at the launch, positions move, all get in, two buy the 2 units, the last is told it sold out", async ({ browser }) => {
  test.setTimeout(6 * 60_000); // five browsers, two checkouts and nine axe scans on a shared 2-core machine
  const sku = await makeVariant(PRODUCT, { stock: 2, perCustomerLimit: 1, saleStartsAt: new Date(Date.now() + 60 * 60_000) });
  // One shopper let in a second, so the line is seen moving; an easy proof-of-work, so the test waits on the line, not the CPU.
  await setWaitingRoom(sku.skuId, { admitPerSecond: 1, passMinutes: 5, difficulty: 20 });

  // A guest is offered a way in that comes back here, not the line.
  const guestContext = await browser.newContext({ viewport: VIEWPORTS.phone, storageState: { cookies: [], origins: [] } });
  const guest = await guestContext.newPage();
  await new ShopPage(guest).openVariant(sku);
  await expect(guest.getByRole("link", { name: "Log in to join the line" })).toHaveAttribute("href", `/login?next=${encodeURIComponent(`/products/${sku.spuId}`)}`);
  await expect(guest.getByRole("button", { name: "Add to cart" })).toHaveCount(0);
  await audit(guest, "guest");
  await guestContext.close();

  const shoppers = [];
  for (const viewport of [VIEWPORTS.phone, VIEWPORTS.desktop, VIEWPORTS.desktop]) shoppers.push(await shopper(browser, viewport, sku.spuId, sku.name));
  const [phone, laptop] = shoppers.map((s) => s.page) as [Page, Page, Page];
  await expect(phone.getByTestId("queue-intro")).toContainText("This drop has a waiting room.");
  await audit(phone, "join");

  // The owner watches the line in the console's drop view.
  const ownerContext = await browser.newContext({ viewport: VIEWPORTS.desktop, storageState: AUTH_FILE.admin });
  const owner = await ownerContext.newPage();
  await owner.goto(`/admin/drops/${sku.skuId}`);
  await expect(owner.getByTestId("queue-board-state")).toHaveText("Prequeue");

  // Each joins before the launch: the browser solves the check first, then the place is taken.
  for (const { page } of shoppers) {
    await page.getByRole("button", { name: "Join the line" }).click();
    await expect(page.getByRole("button", { name: /Checking you're not a bot…|Joining…/ })).toBeDisabled();
    await expect(page.getByTestId("queue-prequeue")).toContainText("You're in the line.");
  }
  await expect(laptop.getByTestId("queue-prequeue")).toContainText(/3 shoppers waiting so far/);
  await expect(owner.getByTestId("queue-board-waiting")).toHaveText("3");
  // Nine more came early (they never buy), so the draw puts our three somewhere in twelve places, let in one a second.
  await crowdPrequeue(sku.skuId, 9);
  await expect(owner.getByTestId("queue-board-waiting")).toHaveText("12");
  // A reload resumes the same place (the server remembers it; nothing asks to join twice).
  await laptop.reload();
  await laptop.getByRole("radio", { name: sku.name }).check();
  await expect(laptop.getByTestId("queue-prequeue")).toBeVisible();
  await audit(phone, "prequeue");

  const positions = await Promise.all(shoppers.map(({ page }) => watchPositions(page)));
  await setSaleFields(sku.skuId, { saleStartsAt: new Date(Date.now() + 1_000) });

  // Let in one a second, in the order drawn: each sees "You're in" and its deadline without a reload.
  const admittedAt = await Promise.all(
    shoppers.map(async ({ page }) => {
      await expect(page.getByTestId("queue-admitted")).toContainText(/^You're in — you have until \d\d:\d\d to check out\.$/, { timeout: 30_000 });
      return Date.now();
    }),
  );
  const seen = await Promise.all(positions.map((read) => read()));
  // Those drawn behind others saw their place come down; no page ever saw it go up.
  expect(Math.max(...seen.map((s) => s.length)), JSON.stringify(seen)).toBeGreaterThanOrEqual(2);
  for (const s of seen) expect(s, JSON.stringify(seen)).toEqual([...s].sort((a, b) => b - a));
  await audit(phone, "admitted");
  await audit(laptop, "admitted");
  await expect(owner.getByTestId("queue-board-state")).toHaveText("Open");

  // The first two let in buy; the pass rides with the checkout in its cookie.
  const order = shoppers.map((s, i) => ({ ...s, at: admittedAt[i]! })).sort((a, b) => a.at - b.at);
  for (const { page } of order.slice(0, 2)) {
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("link", { name: "Check out now" }).click();
    const shop = new ShopPage(page);
    await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
    await shop.ensureAddress();
    await page.getByRole("radio", { name: "Cash on delivery" }).check();
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page).toHaveURL(/\/orders\/[0-9A-Z]{26}$/);
  }

  // The last is told at once, on the page it kept open, and its page stops asking.
  const last = order[2]!.page;
  await expect(last.getByTestId("queue-closed")).toHaveText("Sold out — the line is closed. Every unit has gone; nobody else will be let in.", { timeout: 5_000 });
  await expect(last.getByRole("button", { name: "Add to cart" })).toHaveCount(0);
  await audit(last, "closed");
  // The same words at the other width (a picture only: the scan above covered the panel).
  const other = last.viewportSize()!.width === VIEWPORTS.phone.width ? VIEWPORTS.desktop : VIEWPORTS.phone;
  await last.setViewportSize(other);
  await last.screenshot({ path: test.info().outputPath(`closed-${other.width}.png`) });
  let polls = 0;
  last.on("request", (r) => void (r.url().includes("/queue/") && polls++));
  await last.waitForTimeout(2_500);
  expect(polls).toBe(0);

  // A buyer coming back is told the pass bought its order.
  const buyer = order[0]!.page;
  await buyer.goto(`/products/${sku.spuId}`);
  await buyer.getByRole("radio", { name: sku.name }).check();
  await expect(buyer.getByTestId("queue-used")).toContainText("You bought it.");

  // The console: 2 passes used, the line closed at the sell-out.
  await expect(owner.getByTestId("queue-board-state")).toHaveText("Closed at sell-out", { timeout: 5_000 });
  await expect(owner.getByTestId("queue-board-used")).toHaveText("2");
  await expect(owner.getByTestId("queue-board-waiting")).toHaveText("0");
  await expect(owner.getByTestId("queue-board-summary")).toContainText("Closed at the sell-out");
  await audit(owner, "console-closed");
  await owner.setViewportSize(VIEWPORTS.phone);
  await audit(owner, "console-closed");

  await Promise.all([...shoppers.map((s) => s.context.close()), ownerContext.close()]);
});

test("a shopper far back in the line sees the place and the wait come down without a reload, at 360 and 1280 px", async ({ browser }) => {
  const sku = await makeVariant(PRODUCT, { stock: 5, perCustomerLimit: 1, saleStartsAt: new Date(Date.now() - 1_000) });
  await setWaitingRoom(sku.skuId, { admitPerSecond: 2, passMinutes: 5, difficulty: 20 });
  const { context, page } = await shopper(browser, VIEWPORTS.phone, sku.spuId, sku.name);
  // The launch has passed: the first status opens the line; 240 shoppers are already in it.
  await expect(page.getByTestId("queue-intro")).toContainText("let in in turn, 2 shoppers a second");
  await crowdAhead(sku.skuId, 240);
  await page.getByRole("button", { name: "Join the line" }).click();
  const position = page.getByTestId("queue-position");
  await expect(page.getByTestId("queue-waiting")).toContainText(/Your turn comes in about 2 min; keep this page open\./);
  const first = Number(await position.textContent());
  expect(first).toBeGreaterThan(200);
  expect(first).toBeLessThanOrEqual(241);
  await expect.poll(async () => Number(await position.textContent()), { timeout: 5_000 }).toBeLessThan(first);
  // Said to a screen reader as it changes: the place sits in a polite live region.
  await expect(page.locator("[aria-live=polite]").filter({ has: position })).toHaveAttribute("aria-atomic", "true");
  await audit(page, "waiting");
  await page.setViewportSize(VIEWPORTS.desktop);
  await audit(page, "waiting");
  await context.close();
});
