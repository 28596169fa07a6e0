/**
 * bench/run.ts imports this first, before any lib module: lib/platform/env.ts reads process.env once, on
 * first use, and lib/platform/log.ts reads LOG_LEVEL when it is loaded. Service mode calls placeOrder in
 * this process, so getDb()/getRedis() must already point at the bench database and Redis
 * database, with a pool the size of a server's. Servers inherit the same environment.
 */
import { randomBytes } from "node:crypto";
import { parseOptions } from "./options";

export const opts = parseOptions(process.argv.slice(2));
export const secret = randomBytes(32).toString("hex");

Object.assign(process.env, {
  DATABASE_URL: opts.databaseUrl,
  REDIS_URL: opts.redisUrl,
  SESSION_SECRET: secret,
  DB_POOL_SIZE: String(opts.poolSize),
  LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? "warn",
  // In service mode this process is the server; its own sweeper is never started, but say so.
  SWEEP_INTERVAL: "0",
  // A benchmark shopper places thousands of orders a minute; the per-user limit would refuse them.
  CHECKOUT_RATE_LIMIT: "0",
});
