import { expect, test } from "@playwright/test";
import { LoginPage, newUsername } from "./pages/login";

test("a new shopper registers and the header shows them", async ({ page }) => {
  const username = newUsername();
  await new LoginPage(page).register(username, "password123");
  await expect(page.getByTestId("current-user")).toContainText(username);
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
});

test("a wrong password shows a readable error", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn("demo", "not-the-password");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page.getByTestId("current-user")).toBeHidden();
});

test("registration explains what is wrong with the input", async ({ page }) => {
  await new LoginPage(page).register("x", "short");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Username must be 3-32 characters");
});

test("the catalog lists the seeded products", async ({ page }) => {
  await page.goto("/");
  const products = page.getByRole("list", { name: "Products" }).getByRole("listitem");
  await expect(products).toHaveCount(7);
  for (const name of ["Aurora Phone X", "Pulse Wireless Earbuds", "Atlas 14 Laptop", "Nebula Watch Limited Drop"]) {
    await expect(page.getByRole("heading", { name })).toBeVisible();
  }
});

test("switching variants changes the price and the stock", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("heading", { name: "Atlas 14 Laptop" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Atlas 14 Laptop" })).toBeVisible();
  await expect(page.getByTestId("sku-price")).toHaveText("$1,299.00");
  await expect(page.getByTestId("sku-stock")).toHaveText("In stock");
  await page.getByRole("radio", { name: "32 GB RAM, 1 TB SSD" }).check();
  await expect(page.getByTestId("sku-price")).toHaveText("$1,699.00");
  await expect(page.getByTestId("sku-stock")).toHaveText("In stock");
  await page.goto("/");
  await page.getByRole("heading", { name: "Drift Running Shoe" }).click();
  await page.getByRole("radio", { name: "EU 44" }).check();
  await expect(page.getByTestId("sku-stock")).toHaveText("Only 3 left");
});

test("pages that need a login send a guest to the login page and back", async ({ page }) => {
  await page.goto("/orders");
  await expect(page).toHaveURL(/\/login\?next=%2Forders/);
  await new LoginPage(page).logIn("demo", "demo12345");
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByRole("heading", { name: "Your orders" })).toBeVisible();
});
