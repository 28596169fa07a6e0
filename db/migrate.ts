import path from "node:path";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";

const migrationsFolder = path.join(import.meta.dirname, "migrations");

/** Creates the database named in `url` if needed, then applies the committed migrations. */
export async function migrateDatabase(url: string) {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-zA-Z0-9_]+$/.test(database)) throw new Error(`Unsafe database name: ${database}`);
  const server = new URL(url);
  server.pathname = "/";
  // migrate() does not create the database, and a connection naming a missing one fails.
  const admin = await mysql.createConnection({ uri: server.toString() });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const connection = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    await migrate(drizzle(connection), { migrationsFolder });
  } finally {
    await connection.end();
  }
}

/** Drops and recreates the database: tests and benchmarks start from nothing. */
export async function recreateDatabase(url: string) {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^stockroom_[a-z0-9_]+$/.test(database)) throw new Error(`Refusing to drop ${database}: only stockroom_* scratch databases`);
  const server = new URL(url);
  server.pathname = "/";
  const admin = await mysql.createConnection({ uri: server.toString() });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await admin.end();
  }
  await migrateDatabase(url);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const url = process.env.DATABASE_URL || "mysql://root@127.0.0.1:3306/stockroom";
  const fresh = process.argv.includes("--fresh");
  (fresh ? recreateDatabase(url) : migrateDatabase(url))
    .then(() => console.log(`Migrated ${new URL(url).pathname.slice(1)}`))
    .catch((e: unknown) => {
      console.error(`Migration failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
