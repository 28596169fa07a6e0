/**
 * What the drop's record costs, measured where a 2-core shared machine can resolve it: a hot
 * drop (W shoppers in flight for DURATION s, placeOrder in this process), then the recorder's
 * passes over its seconds one at a time, each timed alone (Node CPU by process.cpuUsage, and
 * wall time, which bounds its database and Redis time; medians). Prints the checkout's Node CPU per second
 * of the drop beside the recorder's per recorded second.
 *
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/<scratch, migrated> REDIS_URL=redis://127.0.0.1:6379/<n> \
 *     npx tsx --conditions=react-server bench/record-cost.ts [W=64] [DURATION=5]
 */
import { randomUUID } from "node:crypto";
import { eq, isNotNull } from "drizzle-orm";
import { closeDb, getDb } from "@/db";
import { dropRecords, skus } from "@/db/schema";
import { recordDrops, RECORD_INTERVAL_MS } from "@/lib/drops/recorder";
import { ACTIVE_KEY, flushDropCounts } from "@/lib/drops/live-counts";
import { placeOrder } from "@/lib/orders/checkout";
import { checkoutSeams } from "@/lib/orders/seams";
import { closeRedis, getRedis } from "@/lib/platform/redis";
import { whenIdle } from "@/lib/platform/shutdown";
import { makeShoppers, makeSkus } from "@/tests/support/fixtures";

const W = Number(process.argv[2] ?? 64);
const DURATION_S = Number(process.argv[3] ?? 5);

// A scratch database: the drops of earlier runs would be recorded by the same passes.
await getDb().delete(dropRecords).where(isNotNull(dropRecords.skuId));
await getRedis().del(ACTIVE_KEY);
const [skuId] = (await makeSkus([10_000_000], { product: `Record cost ${randomUUID().slice(0, 8)}`, category: "Bench" })) as [number];
await getDb().update(skus).set({ saleStartsAt: new Date(Date.now() - 60_000) }).where(eq(skus.id, skuId));
const shoppers = await makeShoppers(W, { prefix: "rc" });
checkoutSeams.readCart = async () => ({ lines: [{ skuId, count: 1, selected: true }], revision: randomUUID().replaceAll("-", "") });

const started = Date.now();
const cpu0 = process.cpuUsage();
let orders = 0;
await Promise.all(
  shoppers.map(async (s) => {
    while (Date.now() - started < DURATION_S * 1000) {
      await placeOrder({ userId: s.id, addressId: s.addressId, payMethod: "cod", idempotencyKey: randomUUID() }, "batched").then(
        () => (orders += 1),
        () => undefined,
      );
    }
  }),
);
const checkoutCpu = process.cpuUsage(cpu0);
const wallS = (Date.now() - started) / 1000;
await flushDropCounts();

// The recorder as its loop runs in steady state: one pass every RECORD_INTERVAL_MS, storing the seconds since the last.
const nowAfter = Date.now() + 15_000;
const passes: { cpuMs: number; wallMs: number; seconds: number }[] = [];
const perPass = RECORD_INTERVAL_MS / 1000;
for (let i = 0; i < Math.ceil((DURATION_S + 20) / perPass); i++) {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await recordDrops({ now: nowAfter, graceS: 10, maxSeconds: perPass, quietS: 3600 });
  const used = process.cpuUsage(c);
  passes.push({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - t, seconds: r.seconds });
}
const [record] = await getDb().select().from(dropRecords).where(eq(dropRecords.skuId, skuId));
const busy = passes.filter((p) => p.seconds > 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const checkoutCpuPerS = (checkoutCpu.user + checkoutCpu.system) / 1000 / wallS;
const recorderCpu = median(busy.map((p) => p.cpuMs));
const recorderWall = median(busy.map((p) => p.wallMs));
console.log(
  JSON.stringify(
    {
      W,
      orders,
      ordersPerS: Math.round(orders / wallS),
      checkoutNodeCpuMsPerS: Math.round(checkoutCpuPerS),
      recordedSeconds: busy.length,
      recordedThrough: record?.recordedThrough,
      recorderNodeCpuMsPerPassMedian: Number(recorderCpu.toFixed(2)),
      recorderWallMsPerPassMedian: Number(recorderWall.toFixed(2)),
      passesCpuMs: busy.map((p) => Number(p.cpuMs.toFixed(1))),
      recorderNodeCpuMsPerS: Number((recorderCpu / perPass).toFixed(2)),
      recorderShareOfCheckoutCpu: `${((100 * recorderCpu) / perPass / checkoutCpuPerS).toFixed(2)}%`,
    },
    null,
    2,
  ),
);
await whenIdle(10_000);
await closeDb();
await closeRedis();
