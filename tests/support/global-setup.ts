import Redis from "ioredis";
import { recreateDatabase } from "@/db/migrate";

/** A fresh, migrated test database and an empty test Redis database for every run. */
export default async function setup() {
  const dbUrl = process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/stockroom_test";
  const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1";
  await recreateDatabase(dbUrl);
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  await redis.quit();
}
