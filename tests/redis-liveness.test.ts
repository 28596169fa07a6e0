import net from "node:net";
import Redis from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { watchRedisConnections } from "@/lib/platform/redis-liveness";
import { waitFor } from "./support/wait";

/**
 * A TCP proxy in front of the real Redis that can go silent the way a partition makes a
 * connection silent: `freeze()` stops forwarding on every connection open now (no FIN, no RST:
 * the client's bytes vanish), and `blackhole` does the same to connections opened later (the
 * node unreachable). A connection opened after `freeze()` with `blackhole` off works.
 */
async function freezingProxy(target: { host: string; port: number }) {
  const open = new Set<{ frozen: boolean }>();
  const state = { blackhole: false, accepted: 0 };
  const server = net.createServer((client) => {
    state.accepted++;
    const link = { frozen: state.blackhole };
    open.add(link);
    const upstream = net.connect(target);
    client.on("data", (d) => void (link.frozen || upstream.write(d)));
    upstream.on("data", (d) => void (link.frozen || client.write(d)));
    const end = () => {
      open.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    state,
    freeze: () => open.forEach((l) => (l.frozen = true)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const target = new URL(process.env.REDIS_URL!);
const db = Number(target.pathname.slice(1) || 0);

describe("stuck Redis connections (lib/platform/redis-liveness.ts)", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function clientThroughProxy() {
    const proxy = await freezingProxy({ host: target.hostname, port: Number(target.port) });
    cleanups.push(proxy.close);
    // The app's options (lib/platform/redis.ts), with a shorter command timeout.
    const client = new Redis({ host: "127.0.0.1", port: proxy.port, db, commandTimeout: 500, maxRetriesPerRequest: 2, connectTimeout: 500, retryStrategy: (n) => Math.min(n * 100, 1_000) });
    client.on("error", () => {});
    cleanups.push(() => client.disconnect());
    await client.set("liveness:probe", "1");
    return { proxy, client };
  }

  const works = (client: Redis) => client.get("liveness:probe").then((v) => v === "1", () => false);

  it("without the watch, a connection gone silent stays so: every command times out", async () => {
    const { proxy, client } = await clientThroughProxy();
    proxy.freeze();
    for (let i = 0; i < 4; i++) {
      await expect(client.get("liveness:probe")).rejects.toThrow("Command timed out");
    }
    expect(client.status).toBe("ready");
    expect(proxy.state.accepted).toBe(1);
  });

  it("replaces a silent connection once a fresh one to the node answers, and commands work again", async () => {
    const { proxy, client } = await clientThroughProxy();
    cleanups.push(watchRedisConnections(client, { everyMs: 200, pingMs: 200 }));
    proxy.freeze();
    await expect(client.get("liveness:probe")).rejects.toThrow("Command timed out");
    await waitFor("commands to work again", () => works(client), 5_000);
    // The first connection, the watch's probe, and the new connection.
    expect(proxy.state.accepted).toBeGreaterThanOrEqual(3);
  });

  it("closes nothing while the node itself is unreachable, and replaces the connection once it is back", async () => {
    const { proxy, client } = await clientThroughProxy();
    cleanups.push(watchRedisConnections(client, { everyMs: 200, pingMs: 200 }));
    proxy.state.blackhole = true;
    proxy.freeze();
    const start = Date.now();
    while (Date.now() - start < 1_500) {
      await expect(client.get("liveness:probe")).rejects.toThrow("Command timed out");
    }
    // Probes were opened (and stayed silent), but the client still holds its first connection.
    expect(proxy.state.accepted).toBeGreaterThan(1);
    expect(client.status).toBe("ready");
    proxy.state.blackhole = false;
    await waitFor("commands to work again", () => works(client), 5_000);
  });
});
