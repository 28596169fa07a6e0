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

/** The orders with a draft's idempotency key or cart revision, and its users' orders still waiting for their cart cleanup. */
export async function earlierOrders(drafts: Draft[]): Promise<Earlier[]> {
  const pairs = drafts.map(() => "(?, ?)").join(", ");
  const users = [...new Set(drafts.map((d) => d.req.userId))];
  const [rows] = await getPool().query<RowDataPacket[]>(
    `SELECT id, user_id, idempotency_key, cart_revision, cart_cleanup_pending FROM orders
     WHERE (user_id, idempotency_key) IN (${pairs}) OR (user_id, cart_revision) IN (${pairs})
        OR (user_id IN (${placeholders(users.length)}) AND cart_cleanup_pending = 1)`,
    [...drafts.flatMap((d) => [d.req.userId, d.req.idempotencyKey]), ...drafts.flatMap((d) => [d.req.userId, d.cartRevision]), ...users],
  );
  return rows.map((r) => ({
    id: String(r.id),
    userId: Number(r.user_id),
    key: normalizeKey(String(r.idempotency_key)),
    revision: r.cart_revision as string | null,
    cleanupPending: Boolean(r.cart_cleanup_pending),
  }));
}

/** Ship-to addresses by id, with their owners (a draft may only use its own). */
export async function addressesOf(ids: number[]): Promise<(AddressView & { userId: number })[]> {
  const [rows] = await getPool().query<RowDataPacket[]>(`SELECT id, user_id, receiver, phone, region, detail FROM addresses WHERE id IN (${placeholders(ids.length)})`, ids);
  return rows.map((r) => ({ id: Number(r.id), userId: Number(r.user_id), receiver: r.receiver, phone: r.phone, region: r.region, detail: r.detail }));
}

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

/** From the primary, never a replica: price snapshots and the checks on sale state depend on it. */
export async function checkoutSkus(ids: number[]): Promise<CheckoutSku[]> {
  if (ids.length === 0) return [];
  const [rows] = await getPool().query<RowDataPacket[]>(
    `SELECT k.id, p.name AS product, k.name, k.price, k.stock, k.on_sale, k.per_customer_limit, k.sale_starts_at
     FROM skus k JOIN spus p ON p.id = k.spu_id WHERE k.id IN (${placeholders(ids.length)})`,
    ids,
  );
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
