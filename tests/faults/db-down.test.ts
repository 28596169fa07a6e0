import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillCart, makeShoppers, makeSkus, type Shopper } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { closeDb } from "@/db";
import { checkout, orderIdOf, type Answer } from "./client";
import { faultStack, invariantViolations, orderIds, stockAtStart } from "./stack";
import { healthy } from "../support/health";
import { sleep, waitFor } from "../support/wait";
import { call } from "./client";

describe("MariaDB stopped mid-load", () => {
  let stack: Awaited<ReturnType<typeof faultStack>>;
  let client: HttpClient;
  let shoppers: Shopper[];
  let skuIds: number[];
  let start: Map<number, number>;

  beforeAll(async () => {
    stack = await faultStack();
    client = new HttpClient(stack.server.base, 16);
    skuIds = await makeSkus([400, 400, 30], { product: "DB fault product" });
    shoppers = await makeShoppers(24, { prefix: "dbfault" });
    start = await stockAtStart();
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it("answers 503 DB_UNAVAILABLE, leaves no half-written order, and the pool recovers by itself", async () => {
    const WORKERS = 8;
    const serverPid = stack.server.child!.pid;
    const answers: Answer[] = [];
    let running = true;
    // Eight shoppers at a time keep checking out two-line carts (one of them a hot SKU) until told to stop.
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = w; running; i += WORKERS) {
        const shopper = shoppers[i % shoppers.length]!;
        await fillCart(shopper, [
          { skuId: skuIds[i % 2]!, count: 1 + (i % 3) },
          { skuId: skuIds[2]!, count: 1 },
        ]);
        answers.push(await checkout(client, shopper));
      }
    });
    await waitFor("some orders before the fault", () => answers.filter((a) => a.status === 201).length >= 10, 30_000, 20);
    await stack.mariadb.stop("SIGKILL");
    const atKill = answers.length;
    await waitFor("checkouts to meet the dead database", () => answers.length >= atKill + 16, 30_000, 50);
    const health = await call(client, "GET", "/api/health");
    running = false;
    await Promise.all(workers);

    expect(health).toMatchObject({ status: 503, body: { db: "down", redis: "ok", error: { code: "DB_UNAVAILABLE" } } });
    const unexpected = answers.filter((a) => !(a.status === 201 || a.status === 409 || (a.status === 503 && a.code === "DB_UNAVAILABLE")));
    expect(unexpected.map((a) => ({ status: a.status, code: a.code, error: a.error }))).toEqual([]);
    // The requests in flight at the kill (one per worker) may still end either way: a batch that
    // committed just before it answers all its orders 201 afterwards. Every later one is a 503.
    const after = answers.slice(atKill + WORKERS);
    expect(after.every((a) => a.status === 503 && a.code === "DB_UNAVAILABLE" && a.headers["retry-after"])).toBe(true);

    await stack.mariadb.start();
    await waitFor("the server's health to recover", () => healthy(stack.server.base), 30_000, 200);
    // Same server process, no restart: its pool made new connections by itself.
    const [late] = await makeShoppers(1, { prefix: "dbfault-late" });
    await fillCart(late!, [{ skuId: skuIds[0]!, count: 1 }]);
    expect((await checkout(client, late!)).status).toBe(201);
    expect(stack.server.child!.pid).toBe(serverPid);

    // InnoDB rolled back whatever was in flight: every order is whole, every 201 is there.
    await closeDb();
    expect(await invariantViolations(start)).toEqual([]);
    const stored = await orderIds();
    for (const a of answers.filter((x) => x.status === 201)) expect(stored.has(orderIdOf(a)!)).toBe(true);
    await sleep(0);
  });
});
