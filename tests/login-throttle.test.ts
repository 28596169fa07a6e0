import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { POST as login } from "@/app/api/auth/login/route";
import { POST as addItem } from "@/app/api/cart/items/route";
import { POST as createAddress } from "@/app/api/addresses/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { GET as me } from "@/app/api/me/route";
import { listAddresses } from "@/lib/orders/addresses";
import { register } from "@/lib/auth/service";
import { LOGIN_FREE_FAILURES, LOGIN_MAX_WAIT_SECONDS, waitInWords, waitSeconds } from "@/lib/auth/throttle";
import { PEER_ADDRESS_HEADER } from "@/lib/platform/peer-address.mjs";
import { getRedis, type RedisClient } from "@/lib/platform/redis";
import { makeSkus, makeShopper, noCtx, redis, request, uid } from "./support/fixtures";

// The address as the launcher stamps it from the socket (lib/platform/peer-address.mjs); the
// X-Forwarded-For a client writes is ignored with TRUSTED_PROXY_HOPS=0 (lib/auth/client-address.test.ts).
const attempt = (username: string, password: string, ip: string) =>
  login(
    request("/api/auth/login", { method: "POST", body: { username, password }, headers: { [PEER_ADDRESS_HEADER]: ip, "x-forwarded-for": uid("spoofed") } }),
    noCtx,
  );

const newAccount = async () => {
  const username = uid("thr");
  await register({ username, password: "password123" });
  return username;
};
const ipSeq = () => `198.51.100.${Math.floor(Math.random() * 250)}-${uid("")}`;

describe("login throttling", () => {
  const { pair, username: perUsername } = LOGIN_FREE_FAILURES;

  it("10 failures for user A from address X do not stop user B from X", async () => {
    const x = ipSeq();
    const a = await newAccount();
    for (let i = 0; i < 10; i++) expect([401, 429]).toContain((await attempt(a, "wrong-password", x)).status);
    const b = await newAccount();
    expect((await attempt(b, "password123", x)).status).toBe(200);
  });

  it("refuses A from X with 429, Retry-After and the wait in words once the pair's free failures are spent", async () => {
    const x = ipSeq();
    const a = await newAccount();
    for (let i = 0; i < pair; i++) expect((await attempt(a, "wrong-password", x)).status).toBe(401);
    const res = await attempt(a, "password123", x);
    expect(res.status).toBe(429);
    const body = await res.json();
    expect(body.error.code).toBe("TOO_MANY_ATTEMPTS");
    expect(body.error.message).toMatch(/Try again in \d+ seconds?\./);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    // The owner, from their own address, is not stopped by a guesser elsewhere.
    expect((await attempt(a, "password123", ipSeq())).status).toBe(200);
  });

  it("10 failures for A from 10 addresses stop A everywhere, even with the right password; case does not get around it", async () => {
    const a = await newAccount();
    for (let i = 0; i < perUsername; i++) expect((await attempt(a, "wrong-password", ipSeq())).status).toBe(401);
    const res = await attempt(a, "password123", ipSeq());
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_MAX_WAIT_SECONDS);
    expect((await res.json()).error.message).toMatch(/Try again in \d+ (seconds|minutes?)\./);
    expect((await attempt(a.toUpperCase(), "password123", ipSeq())).status).toBe(429);
    // Other accounts are unaffected.
    expect((await attempt(await newAccount(), "password123", ipSeq())).status).toBe(200);
  });

  it("the wait doubles with every further failure, up to its ceiling", () => {
    const now = 1_000_000_000;
    const after = (count: number, kind: "pair" | "username") => waitSeconds(kind, { count, lastMs: now }, now);
    expect(after(pair - 1, "pair")).toBe(0);
    expect([after(pair, "pair"), after(pair + 1, "pair"), after(pair + 2, "pair")]).toEqual([1, 2, 4]);
    expect([after(perUsername, "username"), after(perUsername + 1, "username")]).toEqual([30, 60]);
    expect(after(perUsername + 20, "username")).toBe(LOGIN_MAX_WAIT_SECONDS);
    // Time passing lets the next attempt through.
    expect(waitSeconds("username", { count: perUsername, lastMs: now - 31_000 }, now)).toBe(0);
    expect(waitInWords(1)).toBe("1 second");
    expect(waitInWords(90)).toBe("2 minutes");
  });

  it("a success clears the username's counter and its own pair", async () => {
    const x = ipSeq();
    const mine = await newAccount();
    for (let i = 0; i < pair - 1; i++) expect((await attempt(mine, "wrong-password", x)).status).toBe(401);
    expect((await attempt(mine, "password123", x)).status).toBe(200);
    for (let i = 0; i < pair - 1; i++) expect((await attempt(mine, "wrong-password", x)).status).toBe(401);
    expect((await attempt(mine, "password123", x)).status).toBe(200);
  });

  it("keeps one Redis Cluster slot per counter: throttle:{login:u:<name>} and throttle:{login:p:<ip>:<name>}", async () => {
    const username = await newAccount();
    await attempt(username.toUpperCase(), "wrong-password", "203.0.113.9");
    const key = `throttle:{login:u:${username.toLowerCase()}}`;
    expect(await redis().hget(key, "count")).toBe("1");
    expect(await redis().hget(`throttle:{login:p:203.0.113.9:${username.toLowerCase()}}`, "count")).toBe("1");
    const ttl = await redis().ttl(key);
    expect(ttl).toBeGreaterThan(800);
    expect(ttl).toBeLessThanOrEqual(900);
  });

  it("fails open when Redis is down: login still works", async () => {
    const username = await newAccount();
    const cache = globalThis as unknown as { stockroomRedis?: RedisClient };
    const real = getRedis();
    const dead = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    dead.on("error", () => {});
    cache.stockroomRedis = dead;
    try {
      expect((await attempt(username, "wrong-password", ipSeq())).status).toBe(401);
      // Only the cart merge touches Redis after a login; with no guest cart it is skipped.
      expect((await attempt(username, "password123", ipSeq())).status).toBe(200);
    } finally {
      cache.stockroomRedis = real;
      dead.disconnect();
    }
  });
});

describe("cross-origin requests to state-changing routes", () => {
  const evil = { origin: "https://evil.example", host: "localhost" };

  it("refuses a POST whose Origin is another site with 403 and changes nothing", async () => {
    const user = await makeShopper();
    const before = await listAddresses(user.id);
    const res = await createAddress(
      request("/api/addresses", { method: "POST", cookie: user.cookie, headers: evil, body: { name: "CSRF", email: "c@example.com", phone: "+1 555 0101", line1: "d", city: "c", postcode: "1", country: "US" } }),
      noCtx,
    );
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("FORBIDDEN");
    expect(await listAddresses(user.id)).toEqual(before);

    // Logout is state-changing too: the session survives a cross-origin attempt.
    expect((await logout(request("/api/auth/logout", { method: "POST", cookie: user.cookie, headers: evil }), noCtx)).status).toBe(403);
    expect((await me(request("/api/me", { cookie: user.cookie }), noCtx)).status).toBe(200);
  });

  it("refuses Origin: null and malformed origins", async () => {
    const [skuId] = await makeSkus([5]);
    for (const origin of ["null", "not a url", "http://localhost.evil.example"]) {
      const res = await addItem(request("/api/cart/items", { method: "POST", headers: { origin, host: "localhost" }, body: { skuId, count: 1 } }), noCtx);
      expect(res.status).toBe(403);
    }
  });

  it("allows same-origin requests, requests without Origin (curl, servers), and GETs from anywhere", async () => {
    const [skuId] = await makeSkus([5]);
    const same = await addItem(request("/api/cart/items", { method: "POST", headers: { origin: "http://localhost:3000", host: "localhost:3000" }, body: { skuId, count: 1 } }), noCtx);
    expect(same.status).toBe(201);
    const proxied = await addItem(
      request("/api/cart/items", { method: "POST", headers: { origin: "https://shop.example", host: "127.0.0.1:3000", "x-forwarded-host": "shop.example" }, body: { skuId, count: 1 } }),
      noCtx,
    );
    expect(proxied.status).toBe(201);
    expect((await addItem(request("/api/cart/items", { method: "POST", body: { skuId, count: 1 } }), noCtx)).status).toBe(201);
    const user = await makeShopper();
    expect((await me(request("/api/me", { cookie: user.cookie, headers: evil }), noCtx)).status).toBe(200);
  });
});
