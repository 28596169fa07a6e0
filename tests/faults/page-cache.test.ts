import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { makeSkus, makeShopper, fillCart, type Shopper } from "../support/fixtures";
import { sleep } from "../support/wait";
import { AppServer, PORTS } from "./services";

/**
 * Two server processes on the test database and Redis, as two hosts behind a load balancer:
 * public pages are cached in each, and a change made through one must reach the pages of the
 * other. Without Redis's message a page still ages out within PAGE_MAX_AGE_MS (1 s); with it,
 * the change shows in tens of milliseconds, so these tests allow half of that bound: a lost
 * message fails them.
 */
const FAST_MS = 500;

const env = { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL!, CHECKOUT_RATE_LIMIT: "0" };

async function get(server: AppServer, path: string, cookie?: string) {
  const res = await fetch(new URL(path, server.base), { headers: cookie ? { cookie } : {} });
  return { status: res.status, cache: res.headers.get("x-nextjs-cache"), cacheControl: res.headers.get("cache-control"), body: await res.text() };
}

async function send(server: AppServer, method: string, path: string, user: Shopper, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(path, server.base), {
    method,
    headers: { cookie: user.cookie, "content-type": "application/json", origin: server.base.origin, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Milliseconds until `path` on `server` shows `text`, asking every 20 ms (fails after 5 s). */
async function msUntilShown(server: AppServer, path: string, text: string, since: number): Promise<number> {
  while (Date.now() - since < 5_000) {
    if ((await get(server, path)).body.includes(text)) return Date.now() - since;
    await sleep(20);
  }
  throw new Error(`${path} never showed ${JSON.stringify(text)}`);
}

/**
 * Makes sure `server` holds a copy of `path` rendered just now: it waits for a render (a miss),
 * then sees the copy served (a hit). Left alone, that copy would be served for about a second.
 */
async function freshlyCached(server: AppServer, path: string) {
  const since = Date.now();
  while ((await get(server, path)).cache !== "MISS") {
    if (Date.now() - since > 3_000) throw new Error(`${path} is never rendered again`);
    await sleep(5);
  }
  expect((await get(server, path)).cache).toBe("HIT");
}

async function productOf(skuId: number) {
  const [row] = await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, skuId));
  return `/products/${row!.spuId}`;
}

describe("cached public pages on two server processes", () => {
  const a = new AppServer(PORTS.server, env);
  const b = new AppServer(PORTS.server2, env);
  let admin: Shopper;

  beforeAll(async () => {
    await Promise.all([a.start(), b.start()]);
    admin = await makeShopper("admin");
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it("shows an admin's price change and on-sale switch on the other process's page at once", async () => {
    const [skuId] = await makeSkus([50]);
    const page = await productOf(skuId!);
    expect((await get(b, page)).body).toContain("$10.50");
    await freshlyCached(b, page);

    let since = Date.now();
    expect((await send(a, "PUT", `/api/admin/skus/${skuId}`, admin, { price: "12.34" })).status).toBe(200);
    expect(await msUntilShown(b, page, "$12.34", since)).toBeLessThan(FAST_MS);

    await freshlyCached(b, page);
    expect((await get(b, page)).body).not.toContain("Sold out");
    since = Date.now();
    expect((await send(a, "PUT", `/api/admin/skus/${skuId}`, admin, { onSale: false })).status).toBe(200);
    expect(await msUntilShown(b, page, "Sold out", since)).toBeLessThan(FAST_MS);
  });

  it("shows a SKU sold out by a checkout on one process as Sold out on the other's page at once", async () => {
    const [skuId] = await makeSkus([1]);
    const page = await productOf(skuId!);
    await freshlyCached(b, page);
    expect((await get(b, page)).body).toContain("Only 1 left");
    const buyer = await makeShopper();
    await fillCart(buyer, [{ skuId: skuId!, count: 1 }]);

    const since = Date.now();
    const order = await send(a, "POST", "/api/orders", buyer, { addressId: buyer.addressId, payMethod: "cod" }, { "idempotency-key": randomUUID() });
    expect(order.status).toBe(201);
    expect(await msUntilShown(b, page, "Sold out", since)).toBeLessThan(FAST_MS);
  });

  it("serves one cached copy to everyone, with nobody's name in it", async () => {
    const [skuId] = await makeSkus([5]);
    const page = await productOf(skuId!);
    const [ann, bob] = [await makeShopper(), await makeShopper()];
    for (const path of ["/", page, "/?q=product"]) {
      await freshlyCached(a, path);
      const answers = [await get(a, path, ann.cookie), await get(a, path, bob.cookie), await get(a, path)];
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      // All three got the one copy rendered just before (for nobody in particular).
      expect(answers.map((r) => r.cache)).toEqual(["HIT", "HIT", "HIT"]);
      for (const { body } of answers) {
        expect(body).not.toContain(ann.username);
        expect(body).not.toContain(bob.username);
      }
      expect(answers[0]!.cacheControl).toBe("s-maxage=1");
    }
  });

  it("answers live stock from the cache too, a second at most behind", async () => {
    const [skuId] = await makeSkus([3]);
    const first = await get(b, `/api/stock/${skuId}`);
    expect(first.status).toBe(200);
    expect(first.cacheControl).toBe("s-maxage=1");
    expect(JSON.parse(first.body).skus).toMatchObject([{ skuId, stock: 3, onSale: true, price: "10.50" }]);
    await freshlyCached(b, `/api/stock/${skuId}`);
    const bad = await get(b, "/api/stock/1,,2");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe("VALIDATION");
  });
});
