import "server-only";
import type { RowDataPacket } from "mysql2";
import { getPool, placeholders } from "@/db";
import type { AddressView } from "@/lib/orders/addresses";
import type { Draft } from "./draft";
import { normalizeKey } from "./idempotency";

/**
 * What a checkout batch reads before its transaction, on pooled connections, one query each for
 * the whole batch. Prebuilt SQL: these run once per batch on the hottest path, where building
 * them through Drizzle cost more CPU than all the batch's other statements.
 */

/** An earlier order that may stop a draft (lib/orders/commit.ts decides how). */
export type Earlier = { id: string; userId: number; key: string; revision: string | null; cleanupPending: boolean };

/** A SKU as checkout sees it: its name for lines and refusals, price, stock and the rules that gate a sale. */
export type CheckoutSku = {
  skuId: number;
  product: string;
  name: string;
  price: string;
  stock: number;
  onSale: boolean;
  perCustomerLimit: number | null;
  saleStartsAt: Date | null;
};

export type BatchLookups = { earlier: Earlier[]; addresses: (AddressView & { userId: number })[]; skus: CheckoutSku[] };

const EARLIER_ROW = "JSON_OBJECT('id', id, 'userId', user_id, 'key', idempotency_key, 'revision', cart_revision, 'cleanupPending', cart_cleanup_pending)";
const ADDRESS_ROW = "JSON_OBJECT('id', id, 'userId', user_id, 'receiver', receiver, 'phone', phone, 'region', region, 'detail', detail)";
// Money as a string (never a float), the launch time as an ISO instant (DATETIME(3) in UTC).
const SKU_COLUMNS = `k.id, p.name AS product, k.name, k.price, k.stock, k.on_sale, k.per_customer_limit, k.sale_starts_at`;
const SKU_ROW = `JSON_OBJECT('skuId', k.id, 'product', p.name, 'name', k.name, 'price', CAST(k.price AS CHAR), 'stock', k.stock, 'onSale', k.on_sale,
  'perCustomerLimit', k.per_customer_limit, 'saleStartsAt', DATE_FORMAT(k.sale_starts_at, '%Y-%m-%dT%H:%i:%s.%fZ'))`;

/** mysql2 hands MySQL 8's JSON columns over parsed, MariaDB's (LONGTEXT) as text; NULL when nothing matched. */
const jsonRows = <T>(value: unknown): T[] => (value == null ? [] : ((typeof value === "string" ? JSON.parse(value) : value) as T[]));

/**
 * Everything a batch reads before its transaction, in one statement (one round trip on one
 * pooled connection): the orders with a draft's idempotency key or cart revision and its users'
 * orders still waiting for their cart cleanup; the ship-to addresses with their owners (a draft
 * may only use its own); the SKUs, from the primary, never a replica: price snapshots and the
 * checks on sale state depend on them.
 */
export async function batchLookups(drafts: Draft[]): Promise<BatchLookups> {
  const pairs = drafts.map(() => "(?, ?)").join(", ");
  const users = [...new Set(drafts.map((d) => d.req.userId))];
  const addressIds = [...new Set(drafts.map((d) => d.req.addressId))];
  const skuIds = [...new Set(drafts.flatMap((d) => d.lines.map((l) => l.skuId)))];
  const [[row]] = await getPool().query<RowDataPacket[]>(
    `SELECT
       (SELECT JSON_ARRAYAGG(${EARLIER_ROW}) FROM orders
         WHERE (user_id, idempotency_key) IN (${pairs}) OR (user_id, cart_revision) IN (${pairs})
            OR (user_id IN (${placeholders(users.length)}) AND cart_cleanup_pending = 1)) AS earlier,
       (SELECT JSON_ARRAYAGG(${ADDRESS_ROW}) FROM addresses WHERE id IN (${placeholders(addressIds.length)})) AS addresses,
       (SELECT JSON_ARRAYAGG(${SKU_ROW}) FROM skus k JOIN spus p ON p.id = k.spu_id WHERE k.id IN (${placeholders(skuIds.length)})) AS skus`,
    [
      ...drafts.flatMap((d) => [d.req.userId, d.req.idempotencyKey]),
      ...drafts.flatMap((d) => [d.req.userId, d.cartRevision]),
      ...users,
      ...addressIds,
      ...skuIds,
    ],
  );
  type SkuJson = Omit<CheckoutSku, "onSale" | "saleStartsAt"> & { onSale: number | boolean; saleStartsAt: string | null };
  type EarlierJson = Omit<Earlier, "cleanupPending"> & { cleanupPending: number | boolean };
  return {
    earlier: jsonRows<EarlierJson>(row?.earlier).map((o) => ({ ...o, id: String(o.id), key: normalizeKey(String(o.key)), cleanupPending: Boolean(o.cleanupPending) })),
    addresses: jsonRows<AddressView & { userId: number }>(row?.addresses),
    skus: jsonRows<SkuJson>(row?.skus).map((k) => ({ ...k, stock: Number(k.stock), onSale: Boolean(k.onSale), saleStartsAt: k.saleStartsAt === null ? null : new Date(k.saleStartsAt) })),
  };
}

/** The SKUs of `ids` (for a refusal after the transaction), from the primary. */
export async function checkoutSkus(ids: number[]): Promise<CheckoutSku[]> {
  if (ids.length === 0) return [];
  const [rows] = await getPool().query<RowDataPacket[]>(`SELECT ${SKU_COLUMNS} FROM skus k JOIN spus p ON p.id = k.spu_id WHERE k.id IN (${placeholders(ids.length)})`, ids);
  return rows.map((r) => ({
    skuId: Number(r.id),
    product: r.product,
    name: r.name,
    price: r.price,
    stock: Number(r.stock),
    onSale: Boolean(r.on_sale),
    perCustomerLimit: r.per_customer_limit === null ? null : Number(r.per_customer_limit),
    saleStartsAt: r.sale_starts_at,
  }));
}
