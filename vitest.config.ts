import path from "node:path";
import { defineConfig } from "vitest/config";

// Tests get their own database and Redis database, so they never touch the demo's data.
// TEST_DATABASE_URL / TEST_REDIS_URL move them elsewhere (e.g. two runs side by side).
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/stockroom_test";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; services are plain modules here.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts", "bench/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    env: {
      NODE_ENV: "test",
      DATABASE_URL,
      REDIS_URL,
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      DB_POOL_SIZE: "30",
      // Integration files place many orders per user; tests/checkout-limit.test.ts sets its own limit.
      CHECKOUT_RATE_LIMIT: "0",
    },
    // Integration files share one database; running them one at a time keeps stock arithmetic exact.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
