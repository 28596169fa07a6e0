import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/stockroom_e2e";
/** The e-mail spec's SMTP server (e2e/stock-alerts.spec.ts listens there while it runs; otherwise the relay retries). */
export const E2E_SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2530);

export default defineConfig({
  testDir: "e2e",
  // Per port, so two runs on one machine (another E2E_PORT) never clear each other's traces.
  outputDir: port === 3100 ? "artifacts/e2e" : `artifacts/e2e-${port}`,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { outputFolder: "artifacts/playwright-report", open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [
    // Logs in once per role and fills a cart and an order; the audits and the phone flow reuse the saved state.
    { name: "setup", testMatch: /auth\.setup\.ts$/, use: { ...devices["Desktop Chrome"] } },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: [/phone\.spec\.ts$/, /screenshots\.spec\.ts$/], dependencies: ["setup"] },
    // A phone runs only the main flows; the page audits cover every other page at 360 px.
    { name: "phone", use: { ...devices["Pixel 5"] }, testMatch: /phone\.spec\.ts$/, dependencies: ["setup"] },
    // Only for `npm run screenshots`, never part of `npm test`.
    ...(process.env.SCREENSHOTS ? [{ name: "screenshots", testMatch: /screenshots\.spec\.ts$/, dependencies: ["setup"] }] : []),
  ],
  webServer: {
    command: "bash scripts/e2e-server.sh",
    url: `${baseURL}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: E2E_DATABASE_URL,
      REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2",
      SESSION_SECRET: "e2e-secret-e2e-secret-e2e-secret-0123456",
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-test",
      ORDER_PAYMENT_TTL: "900",
      SMTP_URL: `smtp://127.0.0.1:${E2E_SMTP_PORT}`,
      SHOP_URL: baseURL,
      MAIL_POLL_MS: "200",
    },
  },
});
