import "server-only";
import type { RowDataPacket } from "mysql2";
import { getPool, onceMoreIfLost, placeholders } from "@/db";
import type { ShipTo } from "./address-schema";
import type { Draft } from "./draft";
import { normalizeKey } from "./idempotency";

/**
 * What a checkout batch reads before its transaction, on pooled connections, one query each for
 * the whole batch. Prebuilt SQL: these run once per batch on the hottest path, where building
 * them through Drizzle cost more CPU than all the batch's other statements.
 */

/** An earlier order that may stop a draft (lib/orders/commit.ts decides how). */
export type Earlier = { id: string; userId: number; key: string; revision: string | null; cleanupPending: boolean };

/**
 * A SKU as checkout sees it: its name for lines and refusals, price, stock and the rules that gate a sale.
 * `onSale` is false when the owner took it off sale or its product is a draft or archived (`skus.product_active`).
 */
export type CheckoutSku = {
  skuId: number;
  product: string;
  name: string;
  price: string;
  stock: number;
  onSale: boolean;
  perCustomerLimit: number | null;
  saleStartsAt: Date | null;
  /** The SKU sells through a waiting room: a line of it needs the buyer's pass (lib/drops/queue-checkout.ts). */
  queued: boolean;
};

/** A saved address a draft names, with its owner (a draft may only use its own). */
export type SavedAddress = ShipTo & { id: number; userId: number };

export type BatchLookups = { earlier: Earlier[]; addresses: SavedAddress[]; skus: CheckoutSku[] };

/** mysql2 hands a UNION's mixed columns over as text or numbers: one shape for all three kinds of row. */
type LookupRow = RowDataPacket & { kind: "o" | "a" | "s"; id: string | number; uid: number | null; c1: unknown; c2: unknown; c3: unknown; c4: unknown; c5: unknown; c6: unknown; c7: unknown; c8: unknown; c9: unknown };

/**
 * Everything a batch reads before its transaction, in one statement (one round trip on one
 * pooled connection), as a UNION of three kinds of row: `o` the orders with a draft's idempotency
 * key or cart revision and its users' orders still waiting for their cart cleanup (three
 * branches, each forced onto its own index: left to choose, or joined by OR, MariaDB ranged over
 * `user_id` alone and read every order of the batch's users, so a regular customer's checkout got
 * dearer with every order; an order found twice is harmless to the verdicts); `a` the
 * ship-to addresses with their owners (a draft may only use its own); `s` the SKUs, from the
 * primary, never a replica: price snapshots and the checks on sale state depend on them.
 * (Plain rows, not JSON_ARRAYAGG: MariaDB 10.11 crashed building the aggregate's temporary table
 * under load.)
 */
export async function batchLookups(drafts: Draft[]): Promise<BatchLookups> {
  const pairs = drafts.map(() => "(?, ?)").join(", ");
  const users = [...new Set(drafts.map((d) => d.req.userId))];
  // A guest's draft carries its address; `IN (NULL)` when no draft names a saved one.
  const addressIds = [...new Set(drafts.flatMap((d) => (d.req.addressId === undefined ? [] : [d.req.addressId])))];
  const skuIds = [...new Set(drafts.flatMap((d) => d.lines.map((l) => l.skuId)))];
  // Before the transaction: a connection found dead is only a read lost, tried once more.
  const [rows] = await onceMoreIfLost(() =>
    getPool().query<LookupRow[]>(
      `SELECT 'o' AS kind, id, user_id AS uid, idempotency_key AS c1, cart_revision AS c2, cart_cleanup_pending AS c3, NULL AS c4, NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8, NULL AS c9
         FROM orders FORCE INDEX (orders_user_idempotency_idx) WHERE (user_id, idempotency_key) IN (${pairs})
       UNION ALL
       SELECT 'o', id, user_id, idempotency_key, cart_revision, cart_cleanup_pending, NULL, NULL, NULL, NULL, NULL, NULL
         FROM orders FORCE INDEX (orders_user_cart_revision_idx) WHERE (user_id, cart_revision) IN (${pairs})
       UNION ALL
       SELECT 'o', id, user_id, idempotency_key, cart_revision, cart_cleanup_pending, NULL, NULL, NULL, NULL, NULL, NULL
         FROM orders FORCE INDEX (orders_cleanup_idx) WHERE user_id IN (${placeholders(users.length)}) AND cart_cleanup_pending = 1
       UNION ALL
       SELECT 'a', id, user_id, name, email, phone, line1, line2, city, region, postcode, country FROM addresses FORCE INDEX (PRIMARY) WHERE id IN (${addressIds.length === 0 ? "NULL" : placeholders(addressIds.length)})
       UNION ALL
       SELECT 's', k.id, NULL, p.name, k.name, k.price, k.stock, k.on_sale AND k.product_active, k.per_customer_limit, k.sale_starts_at, k.queue_admit_per_second IS NOT NULL, NULL
         FROM skus k JOIN spus p ON p.id = k.spu_id WHERE k.id IN (${placeholders(skuIds.length)})`,
      [
        ...drafts.flatMap((d) => [d.req.userId, d.req.idempotencyKey]),
        ...drafts.flatMap((d) => [d.req.userId, d.cartRevision]),
        ...users,
        ...addressIds,
        ...skuIds,
      ],
    ),
  );
  const found: BatchLookups = { earlier: [], addresses: [], skus: [] };
  const text = (v: unknown) => (v === null ? null : String(v));
  for (const r of rows) {
    if (r.kind === "o") {
      found.earlier.push({ id: String(r.id), userId: Number(r.uid), key: normalizeKey(String(r.c1)), revision: text(r.c2), cleanupPending: Number(r.c3) === 1 });
    } else if (r.kind === "a") {
      const [name, email, phone, line1, line2, city, region, postcode, country] = [r.c1, r.c2, r.c3, r.c4, r.c5, r.c6, r.c7, r.c8, r.c9].map(String) as string[] as [string, string, string, string, string, string, string, string, string];
      found.addresses.push({ id: Number(r.id), userId: Number(r.uid), name, email, phone, line1, line2, city, region, postcode, country: country as ShipTo["country"] });
    } else {
      found.skus.push({
        skuId: Number(r.id),
        product: String(r.c1),
        name: String(r.c2),
        price: String(r.c3),
        stock: Number(r.c4),
        onSale: Number(r.c5) === 1,
        perCustomerLimit: r.c6 === null ? null : Number(r.c6),
        saleStartsAt: r.c7 === null ? null : r.c7 instanceof Date ? r.c7 : new Date(`${String(r.c7).replace(" ", "T")}Z`),
        queued: Number(r.c8) === 1,
      });
    }
  }
  return found;
}

/** `on_sale` as a shopper sees it: the owner's switch, and a product that is neither a draft nor archived. */
const SKU_COLUMNS = "k.id, p.name AS product, k.name, k.price, k.stock, k.on_sale AND k.product_active AS on_sale, k.per_customer_limit, k.sale_starts_at, k.queue_admit_per_second IS NOT NULL AS queued";

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
    queued: Number(r.queued) === 1,
  }));
}
