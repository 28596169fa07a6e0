import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("fills the documented defaults", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(env.DATABASE_URL).toBe("mysql://root@127.0.0.1:3306/stockroom");
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.PORT).toBe(3000);
    expect(env.ADMIN_USERNAME).toBe("admin");
    expect(env.ADMIN_PASSWORD).toBeUndefined();
    expect(env.CHECKOUT_STRATEGY).toBe("batched");
    expect(env.CHECKOUT_MAX_ATTEMPTS).toBe(4);
    expect(env.CHECKOUT_RATE_LIMIT).toBe(20);
    expect(env.FREIGHT).toBe("10.00");
    expect(env.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it("reads good values", () => {
    const env = parseEnv({
      DATABASE_URL: "mysql://shop:pw@db.internal:3307/shop",
      REDIS_URL: "rediss://cache:6380/2",
      PORT: "8080",
      CHECKOUT_STRATEGY: "pessimistic",
      SESSION_SECRET: "x".repeat(40),
      NODE_ENV: "production",
    });
    expect(env.PORT).toBe(8080);
    expect(env.CHECKOUT_STRATEGY).toBe("pessimistic");
    expect(env.SESSION_SECRET).toBe("x".repeat(40));
  });

  it("reads scale-out settings", () => {
    const env = parseEnv({
      REDIS_CLUSTER_NODES: "10.0.0.1:7000,redis-b.internal:7001",
      DATABASE_READ_URLS: "mysql://ro@r1:3306/shop,mysql://ro@r2:3306/shop",
      CHECKOUT_MAX_ATTEMPTS: "10",
    });
    expect(env.REDIS_CLUSTER_NODES).toBe("10.0.0.1:7000,redis-b.internal:7001");
    expect(env.DATABASE_READ_URLS).toBe("mysql://ro@r1:3306/shop,mysql://ro@r2:3306/shop");
    expect(env.CHECKOUT_MAX_ATTEMPTS).toBe(10);
  });

  it.each([
    [{ PORT: "eighty" }, /^Invalid configuration: PORT /],
    [{ PORT: "70000" }, /^Invalid configuration: PORT /],
    [{ DATABASE_URL: "postgres://localhost/x" }, /^Invalid configuration: DATABASE_URL must be a mysql:\/\/ URL/],
    [{ DATABASE_URL: "mysql://localhost" }, /^Invalid configuration: DATABASE_URL must name a database/],
    [{ REDIS_URL: "http://localhost" }, /^Invalid configuration: REDIS_URL /],
    [{ CHECKOUT_STRATEGY: "yolo" }, /^Invalid configuration: CHECKOUT_STRATEGY /],
    [{ REDIS_CLUSTER_NODES: "redis://10.0.0.1:7000" }, /^Invalid configuration: REDIS_CLUSTER_NODES must be host:port/],
    [{ DATABASE_READ_URLS: "mysql://r1:3306/shop,mysql://r2" }, /^Invalid configuration: DATABASE_READ_URLS must be comma-separated/],
    [{ SESSION_SECRET: "short" }, /^Invalid configuration: SESSION_SECRET must be at least 32 characters/],
    [{ NODE_ENV: "production" }, /^Invalid configuration: SESSION_SECRET is required in production/],
    [{ ADMIN_PASSWORD: "123" }, /^Invalid configuration: ADMIN_PASSWORD /],
    [{ FREIGHT: "10.001" }, /^Invalid configuration: FREIGHT /],
  ])("rejects %j with one line naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(message);
    try {
      parseEnv(source);
    } catch (e) {
      expect((e as Error).message).not.toContain("\n");
    }
  });

  it("runs one checkout batch at a time per process, alone or in a pool, unless told", () => {
    expect(parseEnv({}).CHECKOUT_BATCHES_IN_FLIGHT).toBe(1);
    expect(parseEnv({ WEB_CONCURRENCY: "1" }).CHECKOUT_BATCHES_IN_FLIGHT).toBe(1);
    expect(parseEnv({ WEB_CONCURRENCY: "8" }).CHECKOUT_BATCHES_IN_FLIGHT).toBe(1);
    expect(parseEnv({ CHECKOUT_BATCHES_IN_FLIGHT: "3" }).CHECKOUT_BATCHES_IN_FLIGHT).toBe(3);
    expect(parseEnv({ CHECKOUT_BATCHES_IN_FLIGHT: "" }).CHECKOUT_BATCHES_IN_FLIGHT).toBe(1);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ PORT: "" }).PORT).toBe(3000);
  });

  it("reads CHECKOUT_RATE_LIMIT, where 0 turns the limit off, and refuses negatives", () => {
    expect(parseEnv({ CHECKOUT_RATE_LIMIT: "0" }).CHECKOUT_RATE_LIMIT).toBe(0);
    expect(parseEnv({ CHECKOUT_RATE_LIMIT: "500" }).CHECKOUT_RATE_LIMIT).toBe(500);
    expect(() => parseEnv({ CHECKOUT_RATE_LIMIT: "-1" })).toThrow(/CHECKOUT_RATE_LIMIT/);
  });
});
