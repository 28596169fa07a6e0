import Redis from "ioredis";
import mysql from "mysql2/promise";
import { CATALOG_CHANNEL } from "../../lib/platform/page-cache/handler.mjs";

/** Direct database access for arranging a scenario (e.g. "one unit left"), never for the behaviour under test. */
export async function sql<T = unknown>(query: string, params: unknown[] = []): Promise<T> {
  const conn = await mysql.createConnection({ uri: process.env.E2E_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/stockroom_e2e" });
  try {
    const [rows] = await conn.query(query, params);
    return rows as T;
  } finally {
    await conn.end();
  }
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

export async function setStock(product: string, sku: string, stock: number) {
  await sql("UPDATE skus JOIN spus ON spus.id = skus.spu_id SET skus.stock = ? WHERE spus.name = ? AND skus.name = ?", [stock, product, sku]);
  await catalogChanged();
}

/** "2026-12-01 14:05:00.250": how the app stores an instant in a DATETIME(3) (UTC). */
const utc = (at: Date) => at.toISOString().slice(0, 23).replace("T", " ");

export type SaleFields = { perCustomerLimit?: number | null; saleStartsAt?: Date | null };

/**
 * A variant of its own on a seeded product, so a spec can count, sell out or schedule it while the
 * other specs run against the same database (a new product would change the catalog's count).
 */
export async function makeVariant(product: string, { stock, price = "59.00", perCustomerLimit = null, saleStartsAt = null }: { stock: number; price?: string } & SaleFields) {
  const [spu] = await sql<{ id: number }[]>("SELECT id FROM spus WHERE name = ?", [product]);
  if (!spu) throw new Error(`No product named ${product}`);
  const name = `E2E ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const result = await sql<{ insertId: number }>(
    "INSERT INTO skus (spu_id, name, price, stock, per_customer_limit, sale_starts_at) VALUES (?, ?, ?, ?, ?, ?)",
    [spu.id, name, price, stock, perCustomerLimit, saleStartsAt && utc(saleStartsAt)],
  );
  await catalogChanged();
  return { spuId: spu.id, skuId: result.insertId, name, label: `${product} — ${name}` };
}

/** Sets a SKU's per-customer limit and/or launch time, as an admin would have. */
export async function setSaleFields(skuId: number, fields: SaleFields) {
  const sets = Object.entries({ per_customer_limit: fields.perCustomerLimit, sale_starts_at: fields.saleStartsAt && utc(fields.saleStartsAt) }).filter(
    ([column]) => (column === "per_customer_limit" ? "perCustomerLimit" : "saleStartsAt") in fields,
  );
  if (sets.length === 0) return;
  await sql(`UPDATE skus SET ${sets.map(([column]) => `${column} = ?`).join(", ")} WHERE id = ?`, [...sets.map(([, v]) => v ?? null), skuId]);
  await catalogChanged();
}

export async function skuIdOf(product: string, sku: string): Promise<number> {
  const [row] = await sql<{ id: number }[]>("SELECT skus.id FROM skus JOIN spus ON spus.id = skus.spu_id WHERE spus.name = ? AND skus.name = ?", [product, sku]);
  if (!row) throw new Error(`No SKU ${product} — ${sku}`);
  return row.id;
}
