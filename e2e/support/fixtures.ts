import Redis from "ioredis";
import mysql from "mysql2/promise";
import { CATALOG_CHANNEL } from "../../lib/platform/page-cache/handler.mjs";
import { E2E_DATABASE_URL } from "../../playwright.config";
import { insertRecordedDrop } from "../../tests/support/fixtures/drop-record";
import * as fixtures from "../../tests/support/fixtures/sql";

/**
 * The shared fixtures (tests/support/fixtures/sql.ts) on the end-to-end database, for arranging a
 * scenario (e.g. "one unit left"), never for the behaviour under test.
 */
async function withDb<T>(work: (db: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ uri: E2E_DATABASE_URL });
  try {
    return await work(conn);
  } finally {
    await conn.end();
  }
}

export async function sql<T = unknown>(query: string, params: unknown[] = []): Promise<T> {
  return withDb(async (db) => (await db.query(query, params))[0] as T);
}

/**
 * What the app does after changing what public pages show: every server process drops its cached
 * pages. A spec that changes the catalog behind the app's back says so too, or the next page it
 * loads may be a copy rendered up to a second before.
 */
async function catalogChanged() {
  const redis = new Redis(process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2");
  try {
    await redis.publish(CATALOG_CHANNEL, "e2e");
  } finally {
    redis.disconnect();
  }
}

/**
 * The front (nginx, scripts/front.sh) keeps a public page to the end of the second the app made
 * it in (lib/platform/front-expiry.mjs): once the clock has passed that second, no copy made
 * before the change can be served. A deadline computed from that rule, not a guess.
 */
async function frontCopiesExpired(changedAt: number) {
  const deadline = (Math.floor(changedAt / 1000) + 1) * 1000 + 20;
  while (Date.now() < deadline) await new Promise((r) => setTimeout(r, deadline - Date.now()));
}

async function changingCatalog<T>(work: (db: mysql.Connection) => Promise<T>): Promise<T> {
  const result = await withDb(work);
  const changedAt = Date.now();
  await catalogChanged();
  await frontCopiesExpired(changedAt);
  return result;
}

export type { SaleFields } from "../../tests/support/fixtures/sql";

export const skuIdOf = (product: string, sku: string) => withDb((db) => fixtures.skuIdOf(db, product, sku));
export const setStock = (skuId: number, stock: number) => changingCatalog((db) => fixtures.setStock(db, skuId, stock));
export const setSaleFields = (skuId: number, fields: fixtures.SaleFields) => changingCatalog((db) => fixtures.setSaleFields(db, skuId, fields));
/** A variant of its own on a seeded product (see addVariant). */
export const makeVariant = (product: string, variant: Parameters<typeof fixtures.addVariant>[2]) => changingCatalog((db) => fixtures.addVariant(db, product, variant));

/**
 * A drop that happened: `buyers` new shoppers (with an address each), then the record and orders
 * of tests/support/fixtures/drop-record.ts for the SKU, then its stock as the drop left it.
 */
export async function recordedDrop(skuId: number, buyers: number, drop: Omit<Parameters<typeof insertRecordedDrop>[2], "buyers">) {
  await withDb(async (db) => {
    const made: { userId: number; addressId: number }[] = [];
    for (let i = 0; i < buyers; i++) {
      const name = `e2edrop${Date.now().toString(36)}${i}${Math.floor(Math.random() * 1e6).toString(36)}`;
      const [user] = (await db.query("INSERT INTO users (username, password_hash, role) VALUES (?, 'scrypt$2$1$1$AAAA$AAAA', 'shopper')", [name])) as unknown as [{ insertId: number }];
      const [address] = (await db.query("INSERT INTO addresses (user_id, name, email, phone, line1, line2, city, region, postcode, country, is_default) VALUES (?, 'Test Buyer', 'buyer@example.com', '+1 555 0100', '1 Test Street', '', 'Portland', 'OR', '97201', 'US', 1)", [user.insertId])) as unknown as [{ insertId: number }];
      made.push({ userId: user.insertId, addressId: address.insertId });
    }
    await insertRecordedDrop(db, skuId, { ...drop, buyers: made });
    await fixtures.setStock(db, skuId, drop.stockAfter ?? 0);
  });
}

/** Switches a SKU's waiting room on (lib/drops/queue-settings.ts), as the console's setting would. */
export const setWaitingRoom = (skuId: number, room: { admitPerSecond: number; passMinutes: number; difficulty: number }) =>
  changingCatalog((db) => db.query("UPDATE skus SET queue_admit_per_second = ?, queue_pass_minutes = ?, queue_difficulty = ? WHERE id = ?", [room.admitPerSecond, room.passMinutes, room.difficulty, skuId]));

/**
 * Puts `tickets` shoppers ahead in an open waiting room's line (lib/drops/queue-store.ts keys), so
 * the next to join waits long enough to be looked at. The line must be open (its first status after the launch opens it).
 */
export async function crowdAhead(skuId: number, tickets: number) {
  const redis = new Redis(process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2");
  try {
    const [seconds, micros] = await redis.time();
    await redis.hset(`wr:{sku:${skuId}}:state`, { issued: tickets, serving: 0, servedAt: Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) });
  } finally {
    redis.disconnect();
  }
}

/** `count` other shoppers (ids no account has) in a waiting room's prequeue, so the launch's draw mixes real shoppers into a crowd. */
export async function crowdPrequeue(skuId: number, count: number) {
  const redis = new Redis(process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/2");
  try {
    const ids = Array.from({ length: count }, (_, i) => 900_000_000 + i);
    await redis.rpush(`wr:{sku:${skuId}}:pre`, ...ids);
    await redis.hset(`wr:{sku:${skuId}}:tickets`, Object.fromEntries(ids.map((id) => [id, 0])));
  } finally {
    redis.disconnect();
  }
}
