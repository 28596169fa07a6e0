import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:cluster` only: the Redis store tests on the rig's Redis Cluster
// (scripts/cluster-rig.sh). The normal `npm test` runs the same file on a single Redis.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["tests/cluster/**/*.test.ts"],
    env: {
      NODE_ENV: "test",
      REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005,127.0.0.1:7006",
      DATABASE_URL: process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:4306/stockroom_cluster",
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      // tests/cluster/purchase-limit.test.ts fires many checkouts of one customer.
      CHECKOUT_RATE_LIMIT: "0",
    },
    testTimeout: 30_000,
  },
});
