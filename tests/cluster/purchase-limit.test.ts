import { randomUUID } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recreateDatabase } from "@/db/migrate";
import { placeFromProcesses } from "../support/buyer-processes";

/**
 * A per-customer limit across database nodes. `npm run test:cluster` runs this on the rig's
 * multi-writer Galera: the two buyer processes write through different nodes, where
 * `SELECT ... FOR UPDATE` would not conflict but the customer's `limit_seq` write does (the later
 * commit fails certification and is retried). `npm test` runs it with both processes on the one
 * test database.
 */
const onCluster = Boolean(process.env.REDIS_CLUSTER_NODES);
const GALERA_PORTS = [4306, 4307];
// With RIG_NETNS=1 each node has its own address (vitest.cluster.config.ts reads the rig's hosts.json).
const GALERA_HOSTS = process.env.CLUSTER_GALERA_HOSTS?.split(",") ?? [];
const nodeUrls = onCluster ? GALERA_PORTS.map((p, i) => `mysql://root@${GALERA_HOSTS[i] ?? "127.0.0.1"}:${p}/stockroom_cluster_limits`) : [process.env.DATABASE_URL!, process.env.DATABASE_URL!];

let primary: mysql.Connection;
const query = async <T>(sql: string, params: unknown[] = []) => (await primary.query(sql, params))[0] as T;

beforeAll(async () => {
  if (onCluster) await recreateDatabase(nodeUrls[0]!);
  primary = await mysql.createConnection({ uri: nodeUrls[0]! });
}, 120_000);
afterAll(() => primary?.end());

/** Waits until the other node has applied everything node 1 committed (Galera applies asynchronously). */
async function replicated() {
  if (!onCluster) return;
  const other = await mysql.createConnection({ uri: nodeUrls[1]! });
  try {
    await other.query("SET SESSION wsrep_sync_wait = 1");
    await other.query("SELECT 1 FROM users LIMIT 1");
  } finally {
    await other.end();
  }
}

async function fixture(limit: number, stock: number) {
  const name = `Limit ${randomUUID().slice(0, 8)}`;
  const spu = await query<{ insertId: number }>("INSERT INTO spus (name, description, category) VALUES (?, 'limit race', 'Test')", [name]);
  const sku = await query<{ insertId: number }>("INSERT INTO skus (spu_id, name, price, stock, per_customer_limit) VALUES (?, 'Only', '10.00', ?, ?)", [spu.insertId, stock, limit]);
  // Its units are at the shop's first location, as the app keeps them (skus.stock = the sum over active locations).
  await query(
    "INSERT INTO sku_locations (sku_id, location_id, stock, priority, active) SELECT ?, id, ?, priority, active FROM locations WHERE active = 1 ORDER BY id LIMIT 1",
    [sku.insertId, stock],
  );
  const user = await query<{ insertId: number }>("INSERT INTO users (username, password_hash) VALUES (?, 'x')", [`l${randomUUID().slice(0, 12)}`]);
  const address = await query<{ insertId: number }>("INSERT INTO addresses (user_id, name, email, phone, line1, line2, city, region, postcode, country) VALUES (?, 'Limit Buyer', 'limit@example.com', '+1 555 0100', '1 Street', '', 'Portland', 'OR', '97201', 'US')", [
    user.insertId,
  ]);
  await replicated();
  return { skuId: sku.insertId, userId: user.insertId, addressId: address.insertId };
}

describe(`per-customer limit ${onCluster ? "across two Galera nodes" : "from two processes on one database"}`, () => {
  it.each(["batched", "conditional"] as const)("lets one customer buy exactly the limit of 8 checkouts from two processes (%s)", { timeout: 180_000 }, async (strategy) => {
    const { skuId, userId, addressId } = await fixture(2, 50);
    const checkouts = () => Array.from({ length: 4 }, () => ({ userId, addressId, key: randomUUID() }));
    const outcomes = (
      await placeFromProcesses([checkouts(), checkouts()], strategy, {
        ownCart: [{ skuId, count: 1 }],
        envs: nodeUrls.map((DATABASE_URL) => ({ DATABASE_URL })),
      })
    ).flat();

    expect(outcomes.filter((o) => o === "OK")).toHaveLength(2);
    expect(outcomes.filter((o) => o !== "OK")).toEqual(Array(6).fill("PURCHASE_LIMIT_REACHED"));
    await replicated();
    const [held] = await query<{ units: string | null }[]>(
      "SELECT SUM(l.count) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.user_id = ? AND l.sku_id = ? AND o.status <> 'cancelled'",
      [userId, skuId],
    );
    expect(Number(held!.units)).toBe(2);
    const [row] = await query<{ stock: number; sales: number }[]>("SELECT stock, sales FROM skus WHERE id = ?", [skuId]);
    expect(row).toEqual({ stock: 48, sales: 2 });
  });
});
