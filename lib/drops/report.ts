import "server-only";
import { and, asc, count, eq, gte, inArray, isNotNull, or, sql } from "drizzle-orm";
import { decodeTime } from "ulid";
import { getDb } from "@/db";
import { dropRecords, dropSeconds, dropShoppers, orderLines, orders, skus, spus } from "@/db/schema";
import { lineName } from "@/lib/catalog/product-name";
import { AppError } from "@/lib/errors";
import { toCents, toDecimal, type Cents } from "@/lib/money";
import { collectSeconds, orderIdFloor } from "./record-source";
import { asDropSecond, filled, fromRow, totalsOf, type RecordedSecond, type RecordTotals } from "./record-series";
import type { DropSecond } from "./live-series";

/**
 * The drop's report, for the console and the API: the record's seconds from MariaDB, and while
 * the drop runs the seconds not stored yet read the recorder's way (Redis answers, units from the
 * orders), so the totals are the same during the drop and any time after it. Money and units by
 * order status come from the orders tables: the drop's SKU's lines of the orders created from
 * its first second on (or ever, before it has a record).
 */

export type DropState = "upcoming" | "live" | "ended" | "none";

export type DropReport = {
  sku: { skuId: number; label: string; price: string; stock: number; saleStartsAt: string | null; perCustomerLimit: number | null };
  state: DropState;
  firstSecond: number | null;
  endedAt: string | null;
  totals: RecordTotals & { orders: number; unitsPaid: number; unitsUnpaid: number; unitsCancelled: number };
  seconds: DropSecond[];
  /** DECIMAL strings: the SKU's lines of the drop's orders. */
  revenue: { created: string; paid: string; cancelled: string; kept: string };
  conversion: { tried: number; bought: number };
  soldOut: { at: number; afterMs: number; from: "launch" | "first sale" } | null;
};

/** Paid: online orders paid or on (shipped, completed), cash-on-delivery ones once completed (the cash is in). */
const PAID = sql`((${orders.payMethod} = 'online' AND ${orders.status} IN ('paid', 'shipped', 'completed')) OR (${orders.payMethod} = 'cod' AND ${orders.status} = 'completed'))`;

type Sales = { units: number; revenue: Cents; unitsPaid: number; paid: Cents; unitsCancelled: number; cancelled: Cents; orders: number; buyers: number; lastOrderId: string | null };

/** The SKU's lines in the drop's orders (from `fromSecond` on), by paid / cancelled / the rest. */
async function salesOf(skuId: number, fromSecond: number | null): Promise<Sales> {
  const where = and(eq(orderLines.skuId, skuId), fromSecond === null ? undefined : gte(orderLines.orderId, orderIdFloor(fromSecond * 1000)));
  const [row] = await getDb()
    .select({
      units: sql<string | null>`SUM(${orderLines.count})`,
      revenue: sql<string | null>`SUM(${orderLines.count} * ${orderLines.price})`,
      unitsPaid: sql<string | null>`SUM(CASE WHEN ${PAID} THEN ${orderLines.count} ELSE 0 END)`,
      paid: sql<string | null>`SUM(CASE WHEN ${PAID} THEN ${orderLines.count} * ${orderLines.price} ELSE 0 END)`,
      unitsCancelled: sql<string | null>`SUM(CASE WHEN ${orders.status} = 'cancelled' THEN ${orderLines.count} ELSE 0 END)`,
      cancelled: sql<string | null>`SUM(CASE WHEN ${orders.status} = 'cancelled' THEN ${orderLines.count} * ${orderLines.price} ELSE 0 END)`,
      orders: count(),
      buyers: sql<number>`COUNT(DISTINCT ${orders.userId})`,
      lastOrderId: sql<string | null>`MAX(${orderLines.orderId})`,
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(where);
  const n = (v: string | number | null | undefined) => Number(v ?? 0);
  const cents = (v: string | null | undefined) => (v ? toCents(v) : 0);
  return {
    units: n(row?.units),
    revenue: cents(row?.revenue),
    unitsPaid: n(row?.unitsPaid),
    paid: cents(row?.paid),
    unitsCancelled: n(row?.unitsCancelled),
    cancelled: cents(row?.cancelled),
    orders: n(row?.orders),
    buyers: n(row?.buyers),
    lastOrderId: row?.lastOrderId ?? null,
  };
}

async function skuRow(skuId: number) {
  const rows = await getDb()
    .select({ name: skus.name, product: spus.name, price: skus.price, stock: skus.stock, saleStartsAt: skus.saleStartsAt, perCustomerLimit: skus.perCustomerLimit })
    .from(skus)
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .where(eq(skus.id, skuId))
    .limit(1);
  const row = rows[0];
  if (!row) throw new AppError("SKU_NOT_FOUND");
  return row;
}

export async function readDropReport(skuId: number, now = Date.now()): Promise<DropReport> {
  const db = getDb();
  const [row, record] = await Promise.all([skuRow(skuId), db.select().from(dropRecords).where(eq(dropRecords.skuId, skuId)).limit(1)]).then(([r, rec]) => [r, rec[0] ?? null] as const);
  let seconds: RecordedSecond[] = [];
  let tried = 0;
  if (record) {
    const [stored, triedRows] = await Promise.all([
      db.select().from(dropSeconds).where(eq(dropSeconds.skuId, skuId)).orderBy(asc(dropSeconds.second)),
      db.select({ n: count() }).from(dropShoppers).where(eq(dropShoppers.skuId, skuId)),
    ]);
    seconds = stored.map(fromRow);
    tried = triedRows[0]?.n ?? 0;
    if (!record.endedAt) {
      // Not stored yet: the seconds after the cursor, read as the recorder will store them.
      const tail = await collectSeconds(skuId, record.recordedThrough + 1, Math.floor(now / 1000), row.stock);
      seconds = [...seconds.filter((s) => s.t <= record.recordedThrough), ...tail.seconds];
      const recent = [...new Set([...tail.shoppers.values()].flat())];
      if (recent.length > 0) {
        const known = await db
          .select({ n: count() })
          .from(dropShoppers)
          .where(and(eq(dropShoppers.skuId, skuId), inArray(dropShoppers.userId, recent)));
        tried += recent.length - (known[0]?.n ?? 0);
      }
    }
  }
  const sales = await salesOf(skuId, record?.firstSecond ?? null);
  const totals = totalsOf(seconds);
  const launch = row.saleStartsAt?.getTime() ?? null;
  const firstSale = seconds.find((s) => s.units > 0);
  const start = launch ?? (firstSale ? firstSale.t * 1000 : null);
  const soldAt = sales.lastOrderId ? decodeTime(sales.lastOrderId) : null;
  const state: DropState = launch !== null && launch > now ? "upcoming" : !record ? "none" : record.endedAt ? "ended" : "live";
  return {
    sku: {
      skuId,
      label: lineName(skuId, row),
      price: row.price,
      stock: row.stock,
      saleStartsAt: row.saleStartsAt?.toISOString() ?? null,
      perCustomerLimit: row.perCustomerLimit,
    },
    state,
    firstSecond: record?.firstSecond ?? null,
    endedAt: record?.endedAt?.toISOString() ?? null,
    totals: { ...totals, orders: sales.orders, unitsPaid: sales.unitsPaid, unitsUnpaid: sales.units - sales.unitsPaid - sales.unitsCancelled, unitsCancelled: sales.unitsCancelled },
    seconds: filled(seconds).map(asDropSecond),
    revenue: {
      created: toDecimal(sales.revenue),
      paid: toDecimal(sales.paid),
      cancelled: toDecimal(sales.cancelled),
      kept: toDecimal(sales.revenue - sales.cancelled),
    },
    conversion: { tried, bought: sales.buyers },
    soldOut:
      row.stock === 0 && soldAt !== null && start !== null ? { at: soldAt, afterMs: Math.max(0, soldAt - start), from: launch !== null ? "launch" : "first sale" } : null,
  };
}

export type DropListing = { skuId: number; label: string; saleStartsAt: string | null; soldOutAt: string | null; units: number; revenue: string; stock: number; perCustomerLimit: number | null; state: DropState };

/**
 * Every drop, past and upcoming (a SKU with a launch time or a limit), with the units and the
 * revenue it kept (its lines of orders not cancelled, from its first recorded second on): upcoming
 * first (soonest first), then the rest, latest launch first.
 */
export async function listDrops(now = Date.now()): Promise<DropListing[]> {
  const db = getDb();
  const rows = await db
    .select({
      skuId: skus.id,
      name: skus.name,
      product: spus.name,
      stock: skus.stock,
      saleStartsAt: skus.saleStartsAt,
      perCustomerLimit: skus.perCustomerLimit,
      firstSecond: dropRecords.firstSecond,
      endedAt: dropRecords.endedAt,
    })
    .from(skus)
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .leftJoin(dropRecords, eq(dropRecords.skuId, skus.id))
    .where(or(isNotNull(skus.saleStartsAt), isNotNull(skus.perCustomerLimit)));
  const listed = await Promise.all(
    rows.map(async (r) => {
      const sales = await salesOf(r.skuId, r.firstSecond);
      const launch = r.saleStartsAt?.getTime() ?? null;
      const state: DropState = launch !== null && launch > now ? "upcoming" : r.firstSecond === null ? "none" : r.endedAt ? "ended" : "live";
      return {
        skuId: r.skuId,
        label: lineName(r.skuId, r),
        saleStartsAt: r.saleStartsAt?.toISOString() ?? null,
        soldOutAt: r.stock === 0 && sales.lastOrderId ? new Date(decodeTime(sales.lastOrderId)).toISOString() : null,
        units: sales.units - sales.unitsCancelled,
        revenue: toDecimal(sales.revenue - sales.cancelled),
        stock: r.stock,
        perCustomerLimit: r.perCustomerLimit,
        state,
      };
    }),
  );
  const at = (d: DropListing) => (d.saleStartsAt === null ? Number.NEGATIVE_INFINITY : Date.parse(d.saleStartsAt));
  const upcoming = listed.filter((d) => d.state === "upcoming").sort((a, b) => at(a) - at(b) || a.skuId - b.skuId);
  const rest = listed.filter((d) => d.state !== "upcoming").sort((a, b) => at(b) - at(a) || a.skuId - b.skuId);
  return [...upcoming, ...rest];
}
