import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { E2E_SMTP_PORT } from "../playwright.config";
import { TestSmtp } from "../tests/support/smtp";
import { AdminConsole } from "./pages/admin";
import { LoginPage, newUsername } from "./pages/login";
import { createHmac } from "node:crypto";
import { makeVariant } from "./support/fixtures";
import { sql } from "./support/fixtures";
import { ShopPage } from "./pages/shop";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const PRODUCT = "Harbor Canvas Backpack";

// The server's relay sends to this port (playwright.config.ts); only this spec listens there.
const smtp = new TestSmtp(E2E_SMTP_PORT);
test.beforeAll(() => smtp.listen());
test.afterAll(() => smtp.close());

test("a guest asks to be told on a sold-out variant, the admin restocks it, the e-mail arrives and opens the product", async ({ browser, page }) => {
  test.slow();
  const sku = await makeVariant(PRODUCT, { stock: 0 });
  const email = `${newUsername("notify")}@example.com`;

  await page.setViewportSize({ width: 360, height: 740 });
  await new ShopPage(page).openVariant(sku);
  const form = page.getByRole("form", { name: `Notify me when ${PRODUCT} — ${sku.name} is back` });
  // A malformed e-mail is said where it belongs, and what was typed stays.
  await form.getByLabel("E-mail").fill("not-an-email");
  await form.getByRole("button", { name: "Notify me when it's back" }).click();
  await expect(form.getByRole("alert")).toHaveText("Enter an e-mail address like name@example.com.");
  await expect(form.getByLabel("E-mail")).toHaveValue("not-an-email");
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  await form.getByLabel("E-mail").fill(email);
  await form.getByRole("button", { name: "Notify me when it's back" }).click();
  await expect(page.getByRole("status").filter({ hasText: "We will e-mail" })).toHaveText(`We will e-mail ${email} once when it is back.`);

  // The admin adds stock in the console.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await new LoginPage(adminPage).goto("/admin/stock");
  await new LoginPage(adminPage).logIn("admin", "admin12345");
  const admin = new AdminConsole(adminPage);
  await admin.row(sku.label);
  await admin.adjust(sku.label, "2", "Back from the supplier");
  await expect(admin.stockOf(sku.label)).toHaveText("2");
  await adminPage.goto(`/admin/products/${sku.spuId}`);
  await expect(adminPage.getByTestId(`stock-alerts-${sku.skuId}`)).toHaveText("0 waiting for a back-in-stock e-mail · 1 notified");

  // The relay (every server process runs it) delivers it to the SMTP server.
  await expect.poll(() => smtp.received.filter((m) => m.rcptTo.includes(email)).length, { timeout: 20_000 }).toBe(1);
  const mail = smtp.received.find((m) => m.rcptTo.includes(email))!.mail;
  expect(mail.subject).toBe(`Back in stock: ${sku.label}`);
  const productLink = /https?:\/\/[^\s"<>]+\/products\/\d+/.exec(mail.text ?? "")?.[0];
  expect(productLink).toMatch(new RegExp(`/products/${sku.spuId}$`));
  await page.goto(productLink!);
  await expect(page.getByRole("heading", { level: 1, name: PRODUCT })).toBeVisible();
  await page.getByRole("radio", { name: sku.name }).check();
  await expect(page.getByRole("button", { name: "Add to cart" })).toBeEnabled();

  // Its unsubscribe link opens a page that changes nothing by itself: the alert was sent once and is over.
  const unsubscribe = /https?:\/\/[^\s"<>)]+\/stock-alerts\/[^\s"<>)]+/.exec(mail.text ?? "")?.[0];
  await page.goto(unsubscribe!);
  await expect(page.getByTestId("alert-gone")).toBeVisible();
  await page.goto(`${unsubscribe!}x`);
  await expect(page.getByTestId("alert-link-invalid")).toBeVisible();
  await adminContext.close();
});

/** The unsubscribe token as lib/alerts/token.ts signs it, with the e2e server's SESSION_SECRET (playwright.config.ts). */
const tokenOf = (id: number) => `${id}.${createHmac("sha256", "e2e-secret-e2e-secret-e2e-secret-0123456").update(`stock-alert:${id}`).digest("base64url")}`;

test("a waiting subscriber unsubscribes from the page their link opens, with a button", async ({ page, request }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const sku = await makeVariant(PRODUCT, { stock: 0 });
  const email = `${newUsername("leave")}@example.com`;
  expect((await request.post("/api/stock-alerts", { data: { skuId: sku.skuId, email } })).status()).toBe(201);
  const [row] = await sql<{ id: number }[]>("SELECT id FROM stock_alerts WHERE sku_id = ? AND email = ?", [sku.skuId, email]);
  await page.goto(`/stock-alerts/${tokenOf(row!.id)}`);
  // Opening the page deleted nothing.
  expect(await sql<unknown[]>("SELECT id FROM stock_alerts WHERE id = ?", [row!.id])).toHaveLength(1);
  await expect(page.getByText(`${email} is waiting for an e-mail when ${sku.label} is back in stock.`)).toBeVisible();
  expect((await new AxeBuilder({ page }).withTags(TAGS).analyze()).violations.map((v) => v.id)).toEqual([]);
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("status")).toHaveText(`Unsubscribed: ${email} will not be e-mailed when ${sku.label} is back.`);
  expect(await sql<unknown[]>("SELECT id FROM stock_alerts WHERE id = ?", [row!.id])).toHaveLength(0);
  await page.reload();
  await expect(page.getByTestId("alert-gone")).toBeVisible();
});
