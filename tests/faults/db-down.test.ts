import { describe, expect, it } from "vitest";
import { closeDb } from "@/db";
import { fillCart, makeShoppers } from "../support/fixtures";
import { healthy } from "../support/health";
import { waitFor } from "../support/wait";
import { call, checkout, orderIdOf, type Answer } from "./client";
import { invariantViolations, orderIds, useFaultStack } from "./stack";

describe("MariaDB stopped mid-load", () => {
  const f = useFaultStack({ product: "DB fault product", stocks: [400, 400, 30], shoppers: 24, sockets: 16 });

  it("answers 503 DB_UNAVAILABLE, leaves no half-written order, and the pool recovers by itself", async () => {
    const { stack, client, shoppers, skuIds } = f;
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
    expect(await invariantViolations(f.start)).toEqual([]);
    const stored = await orderIds();
    for (const a of answers.filter((x) => x.status === 201)) expect(stored.has(orderIdOf(a)!)).toBe(true);
  });
});
