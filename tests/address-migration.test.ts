import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";

// A scratch database of its own, beside the suite's (TEST_DATABASE_URL + "_mig").
const url = new URL(process.env.DATABASE_URL!);
const database = `${url.pathname.slice(1)}_mig`;
url.pathname = `/${database}`;
const folder = path.resolve(import.meta.dirname, "../db/migrations");

/** The migrations folder as it was up to `lastTag` (the journal cut there). */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "stockroom-mig-"));
  cpSync(folder, dir, { recursive: true });
  const journalPath = path.join(dir, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === lastTag) + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe("migration 0008: guest checkout and real addresses", () => {
  let conn: mysql.Connection | undefined;
  afterAll(async () => {
    await conn?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn?.end();
  });

  it("carries today's addresses and orders' ship-to over: receiver -> name, detail -> line1, region kept and copied to city, country US", async () => {
    const server = new URL(url);
    server.pathname = "/";
    const admin = await mysql.createConnection({ uri: server.toString() });
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    conn = await mysql.createConnection({ uri: url.toString(), multipleStatements: true });

    const old = migrationsUpTo("0007_sku_product_active");
    try {
      await migrate(drizzle(conn), { migrationsFolder: old });
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
    await conn.query("INSERT INTO users (id, username, password_hash) VALUES (1, 'olduser', 'x'), (2, 'other', 'x')");
    await conn.query(
      `INSERT INTO addresses (id, user_id, receiver, phone, region, detail) VALUES
         (1, 1, 'Ann Old', '+1 555 0100', 'Oregon', '2 Oak Ave'), (2, 1, 'Ann New', '+1 555 0101', 'Portland', '3 Elm St'), (3, 2, 'Bo', '+1 555 0102', 'Ohio', '4 Pine Rd')`,
    );
    await conn.query(
      `INSERT INTO orders (id, user_id, idempotency_key, address_id, ship_receiver, ship_phone, ship_region, ship_detail, total_count, total_amount, freight, pay_method, status, strategy)
       VALUES ('01ARZ3NDEKTSV4RRFFQ69G5FAV', 1, 'key-1', 1, 'Ann Old', '+1 555 0100', 'Oregon', '2 Oak Ave', 1, '20.50', '10.00', 'cod', 'awaiting_shipment', 'batched')`,
    );

    await migrate(drizzle(conn), { migrationsFolder: folder });

    const [addresses] = await conn.query("SELECT id, user_id, name, email, phone, line1, line2, city, region, postcode, country, is_default FROM addresses ORDER BY id");
    expect(addresses).toEqual([
      { id: 1, user_id: 1, name: "Ann Old", email: "", phone: "+1 555 0100", line1: "2 Oak Ave", line2: "", city: "Oregon", region: "Oregon", postcode: "", country: "US", is_default: 0 },
      // Each user's newest address becomes the default, as the checkout page listed it first.
      { id: 2, user_id: 1, name: "Ann New", email: "", phone: "+1 555 0101", line1: "3 Elm St", line2: "", city: "Portland", region: "Portland", postcode: "", country: "US", is_default: 1 },
      { id: 3, user_id: 2, name: "Bo", email: "", phone: "+1 555 0102", line1: "4 Pine Rd", line2: "", city: "Ohio", region: "Ohio", postcode: "", country: "US", is_default: 1 },
    ]);
    const [orders] = await conn.query("SELECT address_id, ship_name, ship_email, ship_phone, ship_line1, ship_line2, ship_city, ship_region, ship_postcode, ship_country, total_amount FROM orders");
    expect(orders).toEqual([
      { address_id: 1, ship_name: "Ann Old", ship_email: "", ship_phone: "+1 555 0100", ship_line1: "2 Oak Ave", ship_line2: "", ship_city: "Oregon", ship_region: "Oregon", ship_postcode: "", ship_country: "US", total_amount: "20.50" },
    ]);
    const [[user]] = (await conn.query("SELECT role, email, guest_id FROM users WHERE id = 1")) as [Record<string, unknown>[], unknown];
    expect(user).toEqual({ role: "shopper", email: null, guest_id: null });
    // A guest owner row fits the new columns, and a guest order may have no saved address.
    await conn.query("INSERT INTO users (username, password_hash, role, guest_id) VALUES ('g:abc', '!', 'guest', 'abc')");
    await expect(conn.query("INSERT INTO users (username, password_hash, role, guest_id) VALUES ('g:abc2', '!', 'guest', 'abc')")).rejects.toMatchObject({ errno: 1062 });
  }, 60_000);
});
