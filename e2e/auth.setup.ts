import { test as setup } from "@playwright/test";
import { LoginPage } from "./pages/login";

export const DEMO_STATE = "e2e/.auth/demo.json";

setup("log in as the demo shopper", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn("demo", "demo12345");
  await page.getByText("Signed in as").waitFor();
  await page.context().storageState({ path: DEMO_STATE });
});
