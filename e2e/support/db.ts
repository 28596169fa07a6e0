import mysql from "mysql2/promise";

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

export async function setStock(product: string, sku: string, stock: number) {
  await sql("UPDATE skus JOIN spus ON spus.id = skus.spu_id SET skus.stock = ? WHERE spus.name = ? AND skus.name = ?", [stock, product, sku]);
}
