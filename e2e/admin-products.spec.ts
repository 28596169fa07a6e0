import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import sharp from "sharp";
import { newUsername } from "./pages/login";
import { ShopPage } from "./pages/shop";
import { AUTH_FILE, pageOverflow, settle, VIEWPORTS } from "./support/audit";

// The owner's first product, from an empty form to a sale and back out of the shop, on a phone.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const pad = (n: number) => String(n).padStart(2, "0");
/** A datetime-local value in this machine's time zone (the browser's too): what the owner types. */
const localInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

async function fitsAndPassesAxe(page: Page) {
  await settle(page);
  const { scrollWidth, innerWidth } = await pageOverflow(page);
  expect(scrollWidth, `${page.url()} is wider than the window`).toBeLessThanOrEqual(innerWidth);
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

const addVariantForm = (page: Page) => page.locator("form").filter({ has: page.getByRole("button", { name: "Add variant" }) });

async function addVariant(form: Locator, v: { name: string; price: string; compareAt?: string; stock: string; limit: string; launch: Date }) {
  await form.getByLabel("Variant name").fill(v.name);
  await form.getByLabel("Price", { exact: true }).fill(v.price);
  if (v.compareAt) await form.getByLabel("Compare-at price").fill(v.compareAt);
  await form.getByLabel("Limit per customer").fill(v.limit);
  await form.getByLabel("Launch time").fill(localInput(v.launch));
  await form.getByLabel("Main warehouse").fill(v.stock);
  await form.getByRole("button", { name: "Add variant" }).click();
  await expect(form.getByRole("status")).toHaveText(`Added ${v.name}.`);
}

test.describe("the owner's catalog on a phone", () => {
  test.use({ viewport: VIEWPORTS.phone, storageState: AUTH_FILE.admin });

  test("an owner creates, sets a drop and publishes a product; a shopper buys it; archived, its page answers 404", async ({ page, browser }) => {
    test.slow(); // two browsers, a launch to wait for and a purchase on a shared 2-core machine
    const name = `Owner Tee ${Date.now().toString(36)}`;

    await page.goto("/admin/products");
    await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
    await page.getByRole("link", { name: "New product" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "New product" })).toBeVisible();
    await fitsAndPassesAxe(page);

    // A refusal keeps what was typed.
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Description").fill("Heavy cotton.\n\nCut in our own workshop.");
    await page.getByRole("button", { name: "Create product" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Pick a category or type a new one" })).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveValue(name);

    await page.getByLabel("Category").fill("Owner goods");
    await page.getByRole("button", { name: "Create product" }).click();
    await expect(page).toHaveURL(/\/admin\/products\/\d+$/);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByText("A draft: invisible to shoppers until you publish it.")).toBeVisible();
    const spuId = page.url().split("/").pop()!;

    // Two variants, each a drop: one per customer, on sale a few seconds from now.
    const launch = new Date(Date.now() + 8_000);
    const form = addVariantForm(page);
    await addVariant(form, { name: "Small", price: "12.50", stock: "5", limit: "1", launch });
    await addVariant(form, { name: "Large", price: "15", compareAt: "20", stock: "5", limit: "1", launch });
    const variants = page.getByRole("region", { name: "Variants" }).getByRole("listitem");
    await expect(variants).toHaveCount(2);
    await expect(variants.filter({ hasText: "Large" })).toContainText("$15.00");
    await expect(variants.filter({ hasText: "Large" })).toContainText("limit 1 per customer");
    await fitsAndPassesAxe(page);

    // A picture from the phone: a PNG named like a JPEG, as phones do; its bytes decide.
    const photo = await sharp({ create: { width: 900, height: 675, channels: 3, background: { r: 40, g: 90, b: 160 } } }).png().toBuffer();
    const pictures = page.getByRole("region", { name: "Pictures" });
    await pictures.getByLabel("Picture", { exact: true }).setInputFiles({ name: "IMG_0001.jpg", mimeType: "image/jpeg", buffer: photo });
    await pictures.getByLabel("Alt text").fill("The tee folded on a blue table");
    await pictures.getByRole("button", { name: "Upload picture" }).click();
    await expect(pictures.getByTestId("managed-image")).toHaveCount(1);
    await expect(pictures.getByTestId("managed-image")).toContainText("The tee folded on a blue table");
    await fitsAndPassesAxe(page);

    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Yes, publish" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Published: on the shop now." })).toBeVisible();
    await expect(page.getByRole("link", { name: "see its page" })).toBeVisible();

    // A shopper meets it in the catalog, through the front, and buys one once it launches.
    // A context of its own, signed out: registering there must not end the owner's session.
    const shopperContext = await browser.newContext({ viewport: VIEWPORTS.phone, storageState: { cookies: [], origins: [] } });
    const shopper = await shopperContext.newPage();
    expect((await shopper.request.post("/api/auth/register", { data: { username: newUsername("owner"), password: "password123" } })).status()).toBe(201);
    await shopper.goto(`/?q=${encodeURIComponent(name)}`);
    await shopper.getByRole("heading", { name }).click();
    await expect(shopper.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(shopper.getByText("Cut in our own workshop.")).toBeVisible();
    // Its picture, in its sizes, through the front and from its cache the second time.
    const picture = shopper.getByRole("img", { name: "The tee folded on a blue table" }).first();
    await expect(picture).toBeVisible();
    expect(await picture.getAttribute("srcset")).toMatch(/-320\.webp 320w/);
    // currentSrc stays empty until the browser has picked a candidate from srcset.
    const currentSrc = () => picture.evaluate((img: HTMLImageElement) => img.currentSrc);
    await expect.poll(currentSrc).not.toBe("");
    const src = new URL(await currentSrc()).pathname;
    const served = await shopper.request.get(src);
    expect(served.status()).toBe(200);
    expect(served.headers()["cache-control"]).toContain("immutable");
    expect((await shopper.request.get(src)).headers()["x-front-cache"]).toBe("HIT");
    await shopper.getByRole("radio", { name: "Large" }).check();
    await expect(shopper.getByRole("button", { name: "Add to cart" })).toBeEnabled({ timeout: 15_000 });
    const shop = new ShopPage(shopper);
    await shop.addSelectedToCart(1);
    await shop.checkout("Cash on delivery");

    // The owner archives it: within 2 s its page answers 404 through the front.
    await page.getByRole("button", { name: "Archive" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Yes, archive" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Archived: gone from the shop." })).toBeVisible();
    const archivedAt = Date.now();
    await expect.poll(async () => (await shopper.request.get(`/products/${spuId}`)).status(), { timeout: 2_500, intervals: [100] }).toBe(404);
    expect(Date.now() - archivedAt).toBeLessThan(2_500);
    const answer = await shopper.goto(`/products/${spuId}`);
    expect(answer?.status()).toBe(404);

    // The history says who did what.
    await page.reload();
    const history = page.getByRole("region", { name: "History" });
    await expect(history.getByText("Product archived")).toBeVisible();
    await expect(history.getByText("Product published")).toBeVisible();
    await expect(history.getByText("Variant Large created")).toBeVisible();
    await fitsAndPassesAxe(page);
    await shopperContext.close();
  });
});

test.describe("the Products room at both widths", () => {
  test.use({ storageState: AUTH_FILE.admin });

  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    test(`the list, the new form and a product's page fit ${viewport.width} px and pass axe`, async ({ page }, testInfo) => {
      await page.setViewportSize(viewport);
      await page.goto("/admin/products?status=active");
      await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
      await fitsAndPassesAxe(page);
      const shots = process.env.PRODUCTS_SCREENSHOTS;
      if (shots) await page.screenshot({ path: `${shots}/${device}-admin-products.png`, fullPage: true });
      await page.getByRole("list", { name: "Products" }).getByRole("listitem").first().getByRole("link").click();
      await expect(page.getByRole("heading", { level: 2, name: "Variants" })).toBeVisible();
      await page.getByRole("region", { name: "Variants" }).getByText(/^Edit /).first().click();
      await fitsAndPassesAxe(page);
      if (shots) await page.screenshot({ path: `${shots}/${device}-admin-product.png`, fullPage: true });
      await page.goto("/admin/products/new");
      await fitsAndPassesAxe(page);
      if (shots) await page.screenshot({ path: `${shots}/${device}-admin-product-new.png`, fullPage: true });
      expect(testInfo.status).not.toBe("failed");
    });
  }
});
