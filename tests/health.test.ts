import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Redis from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { getRedis } from "@/lib/platform/redis";

const shared = globalThis as unknown as { stockroomShutdown: { draining: boolean }; stockroomRedis?: unknown };

afterEach(() => {
  shared.stockroomShutdown.draining = false;
});

describe("health and readiness", () => {
  it("health reports the dependencies, the build id (null without a build) and the uptime", async () => {
    const file = path.join(process.cwd(), process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID");
    const buildId = existsSync(file) ? readFileSync(file, "utf8").trim() : null;
    const res = await health();
    expect(res.status).toBe(200);
    // Outside the launcher this process is a pool of one, running one checkout batch at a time.
    expect(await res.json()).toEqual({ db: "ok", redis: "ok", buildId, uptime: expect.any(Number), pool: { worker: process.pid, size: 1, alive: 1, restarts: 0, checkoutBatches: 1 } });
  });

  it("ready is 200 while serving, 503 while draining", async () => {
    const ok = await ready();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ready: true, draining: false, db: "ok", redis: "ok" });

    shared.stockroomShutdown.draining = true;
    const draining = await ready();
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ ready: false, draining: true, db: "ok", redis: "ok" });
  });

  it("ready is 503 while Redis cannot be reached, and 200 again once it can", async () => {
    const real = getRedis();
    const dead = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, connectTimeout: 200, retryStrategy: () => null, lazyConnect: true });
    dead.on("error", () => {});
    shared.stockroomRedis = dead;
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ ready: false, draining: false, db: "ok", redis: "down" });
    } finally {
      shared.stockroomRedis = real;
      dead.disconnect();
    }
    expect((await ready()).status).toBe(200);
  });
});
