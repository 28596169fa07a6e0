import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

// With RIG_NETNS=1 every node has an address of its own, written by the rig (scripts/cluster/netns.sh).
const hostsFile = path.join(process.env.RIG_DIR ?? "/tmp/stockroom-cluster-rig", "hosts.json");
const hosts: Record<string, string> = existsSync(hostsFile) ? (JSON.parse(readFileSync(hostsFile, "utf8")) as { hosts: Record<string, string> }).hosts : {};
const at = (port: number) => `${hosts[String(port)] ?? "127.0.0.1"}:${port}`;

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
      REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? [7001, 7002, 7003, 7004, 7005, 7006].map(at).join(","),
      DATABASE_URL: process.env.DATABASE_URL ?? `mysql://root@${at(4306)}/stockroom_cluster`,
      CLUSTER_GALERA_HOSTS: [4306, 4307, 4308].map((p) => hosts[String(p)] ?? "127.0.0.1").join(","),
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      // tests/cluster/purchase-limit.test.ts fires many checkouts of one customer.
      CHECKOUT_RATE_LIMIT: "0",
    },
    testTimeout: 30_000,
  },
});
