import { afterAll, describe, expect, it } from "vitest";
import { getRedis } from "@/lib/platform/redis";
import { luaScript, runScript } from "@/lib/platform/redis-script";

const ECHO = luaScript<string>("return KEYS[1] .. '=' .. ARGV[1]", 1);
const FAILS = luaScript<string>("return redis.error_reply('STOCKROOM_TEST oops')", 0);

describe("Redis scripts", () => {
  afterAll(async () => {
    await getRedis().script("FLUSH");
  });

  it("runs a script Redis has never seen, and by its SHA1 from then on", async () => {
    const redis = getRedis();
    await redis.script("FLUSH");
    expect(await redis.script("EXISTS", ECHO.sha)).toEqual([0]);
    expect(await runScript(redis, ECHO, "stockroom-test:k", "a")).toBe("stockroom-test:k=a");
    expect(await redis.script("EXISTS", ECHO.sha)).toEqual([1]);
    expect(await runScript(redis, ECHO, "stockroom-test:k", 2)).toBe("stockroom-test:k=2");
  });

  it("answers every call queued in one tick, also after Redis forgot the script", async () => {
    const redis = getRedis();
    await redis.script("FLUSH");
    // One auto-pipeline: every EVALSHA meets NOSCRIPT and falls back to EVAL on its own.
    const echoed = await Promise.all(Array.from({ length: 5 }, (_, i) => runScript(redis, ECHO, `stockroom-test:${i}`, i)));
    expect(echoed).toEqual(Array.from({ length: 5 }, (_, i) => `stockroom-test:${i}=${i}`));
  });

  it("passes a script's own error through", async () => {
    await expect(runScript(getRedis(), FAILS)).rejects.toThrow("STOCKROOM_TEST oops");
  });
});
