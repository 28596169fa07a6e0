import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/admin/drops/route";
import { GET as reportRoute } from "@/app/api/admin/drops/[skuId]/report/route";
import { GET as csvRoute } from "@/app/api/admin/drops/[skuId]/report.csv/route";
import { getDb, getPool } from "@/db";
import { dropRecords, dropSeconds, dropShoppers, orderLines, orders, skus } from "@/db/schema";
import { ACTIVE_KEY, marksKey, secondKey, shoppersKey } from "@/lib/drops/live-counts";
import { recordDrops } from "@/lib/drops/recorder";
import type { DropReport } from "@/lib/drops/report";
import { CSV_HEADER } from "@/lib/drops/report-csv";
import { insertRecordedDrop } from "./support/fixtures/drop-record";
import { ctx, makeShopper, makeShoppers, makeSkus, noCtx, redis, request, restock, type Shopper } from "./support/fixtures";

const setSku = (skuId: number, change: Partial<typeof skus.$inferInsert>) => getDb().update(skus).set(change).where(eq(skus.id, skuId));

let admin: Shopper;
beforeAll(async () => {
  admin = await makeShopper("admin");
});

async function report(skuId: number | string, cookie = admin.cookie) {
  return reportRoute(request(`/api/admin/drops/${skuId}/report`, { cookie }), ctx({ skuId: String(skuId) }));
}
const reportOf = async (skuId: number) => (await (await report(skuId)).json()) as DropReport;

/** The record's units per second, and the orders' units per second of created_at, for one SKU. */
async function recordedUnits(skuId: number) {
  const rows = await getDb().select({ t: dropSeconds.second, units: dropSeconds.units }).from(dropSeconds).where(eq(dropSeconds.skuId, skuId));
  return new Map(rows.filter((r) => r.units > 0).map((r) => [r.t, r.units]));
}
async function orderedUnits(skuId: number) {
  const rows = await getDb().select({ at: orders.createdAt, count: orderLines.count }).from(orderLines).innerJoin(orders, eq(orders.id, orderLines.orderId)).where(eq(orderLines.skuId, skuId));
  const m = new Map<number, number>();
  for (const r of rows) {
    const t = Math.floor(r.at.getTime() / 1000);
    m.set(t, (m.get(t) ?? 0) + r.count);
  }
  return m;
}

/** An app process (tests/support/drop-process.ts): the recorder's loop and checkouts one after another. */
function dropProcess(buyers: Shopper[], skuId: number, gapMs: number) {
  const tsx = path.join(import.meta.dirname, "../node_modules/.bin/tsx");
  const child = spawn(tsx, ["--conditions=react-server", path.join(import.meta.dirname, "support/drop-process.ts"), JSON.stringify(buyers.map((b) => ({ userId: b.id, addressId: b.addressId }))), JSON.stringify([{ skuId, count: 1 }]), String(gapMs), "2"], {
    // A small pool: the suite's other files start server processes of their own on the same MariaDB (max_connections 151).
    env: { ...process.env, DB_POOL_SIZE: "5" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const outcomes: string[] = [];
  let out = "";
  const waiters: { n: number; resolve: () => void }[] = [];
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
    const lines = out.split("\n");
    out = lines.pop()!;
    for (const line of lines) {
      const m = /^placed (\d+) (\S+)/.exec(line);
      if (m) outcomes.push(m[2]!);
      for (const w of waiters) if (outcomes.length >= w.n) w.resolve();
    }
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, outcomes, exited, placed: (n: number) => new Promise<void>((resolve) => waiters.push({ n, resolve })) };
}

const kill = (child: ChildProcess) => child.kill("SIGKILL");

/** What a report says about a drop, without the fields that move with the clock. */
const settled = (r: DropReport) => ({ totals: r.totals, revenue: r.revenue, conversion: r.conversion, units: r.seconds.map((s) => [s.t, s.units]), soldOut: r.soldOut });

describe("the drop's record", () => {
  it(
    "keeps a drop from two app processes, one SIGKILLed mid-drop, second by second as the orders were created, and the same totals after it ended and after Redis forgot it",
    { timeout: 180_000 },
    async () => {
      const [skuId] = (await makeSkus([30])) as [number];
      await setSku(skuId, { perCustomerLimit: 1, saleStartsAt: new Date(Date.now() - 1_000) });
      const shoppers = await makeShoppers(70);
      const [a, b, c] = [shoppers.slice(0, 25), shoppers.slice(25, 50), shoppers.slice(50)];

      // Two app processes sell at once; A is killed after its 8th answer, mid-drop, without a
      // chance to flush its last counts; a restarted A (a new process) serves the rest of its shoppers.
      const pa = dropProcess(a, skuId, 40);
      const pb = dropProcess(b, skuId, 40);
      await pa.placed(8);
      kill(pa.child);
      await pa.exited;
      const pc = dropProcess(c, skuId, 40);
      expect(await pb.exited).toBe(0);
      expect(await pc.exited).toBe(0);

      const [sku] = await getDb().select({ stock: skus.stock }).from(skus).where(eq(skus.id, skuId));
      const ordered = await orderedUnits(skuId);
      const sold = [...ordered.values()].reduce((x, y) => x + y, 0);
      expect(sold + sku!.stock).toBe(30);
      expect(sold).toBe(30); // 53+ shoppers for 30 units: sold out

      // While the drop is open: the report (record so far + seconds not stored yet).
      const during = await reportOf(skuId);
      expect(during.state).toBe("live");
      expect(during.totals.units).toBe(30);

      // Any app process's recorder finishes the record; with the clock past the quiet period, the drop ends.
      await recordDrops({ graceS: 2, now: Date.now() + 5_000 });
      await recordDrops({ graceS: 2, now: Date.now() + 60_000 });
      const [record] = await getDb().select().from(dropRecords).where(eq(dropRecords.skuId, skuId));
      expect(record!.endedAt).not.toBeNull();

      // Second by second, the record's units are the orders created in that second.
      expect(await recordedUnits(skuId)).toEqual(ordered);
      const after = await reportOf(skuId);
      expect(after.state).toBe("ended");

      // The target: opened after it ended, the same totals as during it, to the unit.
      expect(settled(after)).toEqual(settled(during));
      expect(after.totals).toMatchObject({ units: 30, orders: 30, unitsUnpaid: 30, unitsPaid: 0, unitsCancelled: 0 });
      expect(after.revenue).toEqual({ created: "315.00", paid: "0.00", cancelled: "0.00", kept: "315.00" });
      expect(after.conversion.bought).toBe(30);
      // Tried: every shopper with an answer counted by a process that lived to flush it.
      expect(after.conversion.tried).toBeGreaterThanOrEqual(45);
      expect(after.conversion.tried).toBeLessThanOrEqual(70);
      expect(after.soldOut).not.toBeNull();

      // A restart: the app's Redis counts gone (a failover, a flushed cache), the record stands.
      const keys = await redis().keys(`{drop:${skuId}}:*`);
      await redis().del(...keys);
      expect(settled(await reportOf(skuId))).toEqual(settled(after));
      // Recording again changes nothing.
      await recordDrops({ graceS: 2, now: Date.now() + 120_000 });
      expect(await recordedUnits(skuId)).toEqual(ordered);
    },
  );

  it("stores each second exactly once when five recorders race over the same seconds", async () => {
    for (let round = 0; round < 5; round++) {
      const [skuId] = (await makeSkus([5])) as [number];
      await setSku(skuId, { perCustomerLimit: 2 });
      const now = Date.now();
      const base = Math.floor(now / 1000) - 40;
      const r = redis();
      // 10 seconds of answers as every process's flush writes them: 3 refusals and 2 shoppers a second.
      for (let t = base; t < base + 10; t++) {
        await r.hincrby(secondKey(skuId, t), "o:OUT_OF_STOCK", 3);
        await r.hincrby(secondKey(skuId, t), "l:3", 3);
        await r.sadd(shoppersKey(skuId, t), 1_000_000 + t - base, 2_000_000);
      }
      await r.zadd(marksKey(skuId), "LT", base, "firstAnswer");
      await r.zadd(ACTIVE_KEY, "GT", base + 9, String(skuId));

      const reports = await Promise.all(Array.from({ length: 5 }, () => recordDrops({ now, graceS: 10 })));
      const rows = await getDb().select().from(dropSeconds).where(eq(dropSeconds.skuId, skuId));
      expect(rows.map((x) => x.second).sort()).toEqual(Array.from({ length: 10 }, (_, i) => base + i));
      expect(rows.every((x) => x.outOfStock === 3 && x.units === 0 && x.stockLeft === 5 && x.latency.startsWith("0,0,0,3,"))).toBe(true);
      expect(reports.every((rep) => rep.skus >= 0)).toBe(true);
      const [record] = await getDb().select().from(dropRecords).where(eq(dropRecords.skuId, skuId));
      expect(record!.recordedThrough).toBe(Math.floor(now / 1000) - 10);
      const [shoppers] = await getDb().select({ n: sql<number>`COUNT(*)` }).from(dropShoppers).where(eq(dropShoppers.skuId, skuId));
      expect(Number(shoppers!.n)).toBe(11);
      const body = await reportOf(skuId);
      expect(body.totals.outcomes.OUT_OF_STOCK).toBe(30);
      expect(body.conversion).toEqual({ tried: 11, bought: 0 });
      // Again: nothing more.
      await Promise.all([recordDrops({ now, graceS: 10 }), recordDrops({ now, graceS: 10 })]);
      expect((await reportOf(skuId)).totals.outcomes.OUT_OF_STOCK).toBe(30);
    }
  });
});

describe("the drops' API", () => {
  it("lists past and upcoming drops with units and revenue, reports one, and downloads it as CSV", async () => {
    const [past, upcoming, plain] = (await makeSkus([10, 5, 3])) as [number, number, number];
    const buyers = await makeShoppers(3);
    const start = Math.floor(Date.now() / 1000) - 86_400;
    await setSku(past, { saleStartsAt: new Date(start * 1000), perCustomerLimit: 2 });
    await setSku(upcoming, { saleStartsAt: new Date(Date.now() + 3_600_000) });
    await insertRecordedDrop(getPool(), past, {
      start,
      seconds: [{ units: 2, notStarted: 1 }, { units: 0 }, { units: 3, outOfStock: 0 }, { units: 1, outOfStock: 4 }],
      buyers: buyers.map((u) => ({ userId: u.id, addressId: u.addressId })),
      price: "10.50",
      stockAfter: 4,
      paidEvery: 2,
      cancelEvery: 3,
    });
    await restock(past, 4);

    const list = await listRoute(request("/api/admin/drops", { cookie: admin.cookie }), noCtx);
    expect(list.status).toBe(200);
    const { drops } = (await list.json()) as { drops: { skuId: number; label: string; saleStartsAt: string | null; soldOutAt: string | null; units: number; revenue: string }[] };
    // 6 units in 6 orders, the 3rd and the 6th cancelled: 4 units and 42.00 kept.
    expect(drops.find((d) => d.skuId === past)).toEqual({ skuId: past, label: expect.any(String), saleStartsAt: new Date(start * 1000).toISOString(), soldOutAt: null, units: 4, revenue: "42.00" });
    expect(drops.find((d) => d.skuId === upcoming)).toMatchObject({ units: 0, revenue: "0.00", soldOutAt: null });
    expect(drops.some((d) => d.skuId === plain)).toBe(false);
    expect(drops.findIndex((d) => d.skuId === upcoming)).toBeLessThan(drops.findIndex((d) => d.skuId === past));

    const body = await reportOf(past);
    expect(body.state).toBe("ended");
    expect(body.seconds.map((s) => s.units)).toEqual([2, 0, 3, 1]);
    expect(body.seconds.map((s) => s.stockLeft)).toEqual([8, 8, 5, 4]);
    expect(body.totals).toMatchObject({ units: 6, orders: 6, refused: 5, unitsPaid: 2, unitsCancelled: 2, unitsUnpaid: 2 });
    expect(body.revenue).toEqual({ created: "63.00", paid: "21.00", cancelled: "21.00", kept: "42.00" });
    expect(body.conversion).toEqual({ tried: 3, bought: 3 });

    const csv = await csvRoute(request(`/api/admin/drops/${past}/report.csv`, { cookie: admin.cookie }), ctx({ skuId: String(past) }));
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(new RegExp(`attachment; filename="drop-${past}-\\d{4}-\\d{2}-\\d{2}\\.csv"`));
    const rows = (await csv.text()).trimEnd().split("\r\n").map((r) => r.split(","));
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows).toHaveLength(1 + 4 + 1);
    expect(rows[1]!.slice(0, 5)).toEqual([new Date(start * 1000).toISOString(), String(start), "2", "8", "2"]);
    expect(rows.at(-1)!.slice(0, 6)).toEqual(["total", "", "6", "4", "6", "4"]);
  });

  it("is for admins only, and a bad or unknown SKU is a 404", async () => {
    const [skuId] = (await makeSkus([3])) as [number];
    const shopper = await makeShopper();
    for (const [call, name] of [
      [(cookie?: string) => listRoute(request("/api/admin/drops", { cookie }), noCtx), "list"],
      [(cookie?: string) => reportRoute(request(`/api/admin/drops/${skuId}/report`, { cookie }), ctx({ skuId: String(skuId) })), "report"],
      [(cookie?: string) => csvRoute(request(`/api/admin/drops/${skuId}/report.csv`, { cookie }), ctx({ skuId: String(skuId) })), "csv"],
    ] as const) {
      const guest = await call();
      expect(guest.status, name).toBe(401);
      expect((await guest.json()).error.code).toBe("UNAUTHENTICATED");
      const asShopper = await call(shopper.cookie);
      expect(asShopper.status, name).toBe(403);
      expect((await asShopper.json()).error.code).toBe("FORBIDDEN");
    }
    for (const bad of ["abc", "0", "12abc", "1e3", "999999999999"]) {
      for (const r of [await report(bad), await csvRoute(request(`/api/admin/drops/${bad}/report.csv`, { cookie: admin.cookie }), ctx({ skuId: bad }))]) {
        expect(r.status, bad).toBe(404);
        expect((await r.json()).error.code).toBe("SKU_NOT_FOUND");
      }
    }
    // A SKU that never had a drop: an empty report, not an error.
    const empty = await reportOf(skuId);
    expect(empty).toMatchObject({ state: "none", seconds: [], conversion: { tried: 0, bought: 0 }, revenue: { created: "0.00", kept: "0.00" } });
  });
});
