import { drizzle } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import { env } from "@/lib/env";
import * as schema from "./schema";

export function createPool(url: string, connectionLimit: number) {
  return mysql.createPool({
    uri: url,
    connectionLimit,
    // DECIMAL stays a string (money is never a float); BIGINT ids fit in a JS number.
    decimalNumbers: false,
    supportBigNumbers: true,
    enableKeepAlive: true,
    timezone: "Z",
    dateStrings: false,
  });
}

export const createDb = (pool: mysql.Pool) => drizzle(pool, { schema, mode: "default" });
export type Db = ReturnType<typeof createDb>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

// One pool per process; in development hot reloads would otherwise open a new one each time.
const globalForDb = globalThis as unknown as { stockroomPool?: mysql.Pool; stockroomDb?: Db };

export function getPool(): mysql.Pool {
  globalForDb.stockroomPool ??= createPool(env().DATABASE_URL, env().DB_POOL_SIZE);
  return globalForDb.stockroomPool;
}

export function getDb(): Db {
  globalForDb.stockroomDb ??= createDb(getPool());
  return globalForDb.stockroomDb;
}

export async function closeDb() {
  const pool = globalForDb.stockroomPool;
  globalForDb.stockroomPool = undefined;
  globalForDb.stockroomDb = undefined;
  await pool?.end();
}
