import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { POST as login } from "@/app/api/auth/login/route";
import { POST as addItem } from "@/app/api/cart/items/route";
import { POST as createAddress } from "@/app/api/addresses/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { GET as me } from "@/app/api/me/route";
import { listAddresses } from "@/lib/orders/addresses";
import { register } from "@/lib/auth/service";
import { LOGIN_MAX_FAILURES } from "@/lib/auth/throttle";
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
  it("refuses a username after 10 failures in the window with 429 and Retry-After, even with the right password", async () => {
    const username = await newAccount();
    // Each failure from a different address: the username's own counter trips.
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) expect((await attempt(username, "wrong-password", ipSeq())).status).toBe(401);
    const res = await attempt(username, "password123", ipSeq());
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("TOO_MANY_ATTEMPTS");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Case does not get around it.
    expect((await attempt(username.toUpperCase(), "password123", ipSeq())).status).toBe(429);
    // Other accounts are unaffected.
    expect((await attempt(await newAccount(), "password123", ipSeq())).status).toBe(200);
  });

  it("refuses an IP after 10 failures across usernames; other IPs still log in", async () => {
    const ip = ipSeq();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) expect((await attempt(uid("nobody"), "wrong-password", ip)).status).toBe(401);
    const victim = await newAccount();
    const blocked = await attempt(victim, "password123", ip);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await attempt(victim, "password123", ipSeq())).status).toBe(200);
  });

  it("a success resets the username's counter but not the IP's", async () => {
    const ip = ipSeq();
    const mine = await newAccount();
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) expect((await attempt(mine, "wrong-password", ip)).status).toBe(401);
    expect((await attempt(mine, "password123", ip)).status).toBe(200);
    // The username is clear again (from another address)...
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) expect((await attempt(mine, "wrong-password", ipSeq())).status).toBe(401);
    expect((await attempt(mine, "password123", ipSeq())).status).toBe(200);
    // ...but the IP is one failure from its limit, whatever account it tries next.
    expect((await attempt(uid("nobody"), "wrong-password", ip)).status).toBe(401);
    expect((await attempt(mine, "password123", ip)).status).toBe(429);
  });

  it("keeps one Redis Cluster slot per counter: throttle:{login:u:<name>} and throttle:{login:ip:<ip>}", async () => {
    const username = await newAccount();
    await attempt(username.toUpperCase(), "wrong-password", "203.0.113.9");
    expect(await redis().get(`throttle:{login:u:${username.toLowerCase()}}`)).toBe("1");
    expect(Number(await redis().get("throttle:{login:ip:203.0.113.9}"))).toBeGreaterThanOrEqual(1);
    const ttl = await redis().ttl(`throttle:{login:u:${username.toLowerCase()}}`);
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
      request("/api/addresses", { method: "POST", cookie: user.cookie, headers: evil, body: { receiver: "CSRF", phone: "1", region: "r", detail: "d" } }),
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
