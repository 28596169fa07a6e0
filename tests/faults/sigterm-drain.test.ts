import { beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/db";
import { cartKeys, userOwner } from "@/lib/cart/store";
import { getRedis } from "@/lib/platform/redis";
import { fillCart } from "../support/fixtures";
import { HttpClient } from "../support/http";
import { waitFor } from "../support/wait";
import { call, checkout } from "./client";
import { checkoutsUnderway, invariantViolations, orderCount, useFaultStack } from "./stack";
import { waitForExit } from "./services";

async function abortedClients(): Promise<number> {
  const [rows] = await getPool().query("SHOW GLOBAL STATUS LIKE 'Aborted_clients'");
  return Number((rows as { Value: string }[])[0]!.Value);
}

describe("SIGTERM drains the server", () => {
  // Through the proxy, which holds each COMMIT for a while: checkouts are reliably in flight.
  // One SKU each, so the held COMMITs do not queue behind one another's row lock.
  const f = useFaultStack({ proxy: true, product: "Drain product", stocks: Array.from({ length: 8 }, () => 100), shoppers: 8 });

  beforeAll(async () => {
    for (const [i, s] of f.shoppers.entries()) await fillCart(s, [{ skuId: f.skuIds[i]!, count: 1 }]);
  });

  it("finishes in-flight checkouts, refuses new requests, closes MariaDB and Redis cleanly, then exits", async () => {
    const { stack, proxy, shoppers } = f;
    const client = new HttpClient(stack.server.base, 16);
    // Connections for the late requests, opened before the stop (a keep-alive client's case).
    expect((await call(client, "GET", "/api/health")).status).toBe(200);
    const abortedBefore = await abortedClients();
    const ordersBefore = await orderCount();

    proxy.fault = { kind: "delay", delayMs: 1_500 };
    const inFlight = shoppers.slice(0, 6).map((s) => checkout(client, s));
    // The default strategy combines them: a batch's COMMIT is held, the rest wait in the queue.
    await waitFor("a checkout waiting on COMMIT", () => proxy.held >= 1, 15_000, 10);
    await waitFor("all six checkouts inside the server", () => checkoutsUnderway(shoppers.slice(0, 6)), 15_000, 10);
    stack.server.signal("SIGTERM");
    await waitFor("the server to start draining", () => stack.server.logs().some((l) => l.msg === "draining before exit"), 15_000, 10);

    // New work during the drain is refused (the listener stays open until the drain ends, so the
    // answer is a readable 503 rather than a refused connection).
    const late = await Promise.all([checkout(client, shoppers[6]!), call(client, "GET", "/api/cart", shoppers[7])]);
    for (const a of late) expect(a).toMatchObject({ status: 503, code: "SHUTTING_DOWN", headers: { "retry-after": "2" } });

    const finished = await Promise.all(inFlight);
    expect(finished.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const code = await waitForExit(stack.server.child!, 30_000);
    client.close();
    // next start's own handler exits with 128 + SIGTERM once our drain handed over to it.
    expect([0, 143]).toContain(code);

    const drained = stack.server.logs().find((l) => l.msg === "drained; exiting");
    expect(drained).toMatchObject({ signal: "SIGTERM", idle: true, clientsClosed: true });
    // The pool said goodbye on each connection (COM_QUIT) instead of dropping it.
    expect(await abortedClients()).toBe(abortedBefore);
    expect(await orderCount()).toBe(ordersBefore + 6);
    // After-commit work finished before Redis closed: the bought lines left the carts.
    for (const s of shoppers.slice(0, 6)) expect(await getRedis().hlen(cartKeys(userOwner(s.id)).items)).toBe(0);
    expect(await getRedis().hlen(cartKeys(userOwner(shoppers[6]!.id)).items)).toBe(1);
    expect(await invariantViolations(f.start)).toEqual([]);
  });
});
