/**
 * bench/orders-search.ts imports this first, before any lib module (lib/platform/env.ts reads
 * process.env once): the orders benchmark's own database, Redis database, port and secret.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "100000" },
    samples: { type: "string", default: "2000" },
    port: { type: "string", default: "3186" },
    "database-url": { type: "string", default: process.env.BENCH_ORDERS_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/stockroom_bench_orders" },
    "redis-url": { type: "string", default: process.env.BENCH_ORDERS_REDIS_URL ?? "redis://127.0.0.1:6379/13" },
    "dist-dir": { type: "string", default: ".next-bench" },
    build: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run bench:orders -- [options]
  --orders N          orders seeded (default 100000)
  --samples N         searches timed per query kind (default 2000)
  --port N            the server's port (default 3186)
  --database-url URL  its own database, recreated (default mysql://root@127.0.0.1:3306/stockroom_bench_orders)
  --redis-url URL     default redis://127.0.0.1:6379/13
  --dist-dir DIR      the production build to serve (default .next-bench; built when missing or with --build)
  --build             build DIR first
`);
  process.exit(0);
}

export const orderOpts = {
  orders: Number(values.orders),
  samples: Number(values.samples),
  port: Number(values.port),
  databaseUrl: values["database-url"]!,
  redisUrl: values["redis-url"]!,
  distDir: values["dist-dir"]!,
  build: values.build!,
};
export const orderSecret = randomBytes(32).toString("hex");

Object.assign(process.env, {
  DATABASE_URL: orderOpts.databaseUrl,
  REDIS_URL: orderOpts.redisUrl,
  SESSION_SECRET: orderSecret,
  LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? "warn",
  SWEEP_INTERVAL: "0",
});
