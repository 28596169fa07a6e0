import http from "node:http";
import { eq } from "drizzle-orm";
import { solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { AppServer, FrontServer } from "./faults/services";
import { fillCart, makeShoppers, makeSkus, stockOf, type Shopper } from "./support/fixtures";
import { sleep } from "./support/wait";

/**
 * A drop's line through the front (scripts/front.sh's nginx) in front of one app server, as
 * production runs it: the status every waiting shopper polls is answered from the front's cache,
 * one app request a second whatever the crowd; a shopper's own place never is; joins are limited
 * per address; and across two app servers, a pass handed out by one that is then killed buys
 * through the other, while nobody buys the drop without a pass of their own. Its own ports
 * (QUEUE_PORT_BASE..+3); needs the production build (.next-test).
 */
const BASE = Number(process.env.QUEUE_PORT_BASE ?? 3641);
const env = { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL!, CHECKOUT_RATE_LIMIT: "0", TRUSTED_PROXY_HOPS: "1", LOG_LEVEL: "debug" };

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

function send(base: URL, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: { ...headers, ...(body ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("a drop's line through the front", () => {
  const app = new AppServer(BASE, env);
  const front = new FrontServer(BASE + 1, [BASE]);
  let skuId: number;
  let shoppers: Shopper[];

  beforeAll(async () => {
    await Promise.all([app.start(), front.start()]);
    [skuId] = (await makeSkus([5])) as [number];
    await getDb().update(skus).set({ queueAdmitPerSecond: 100, queuePassMinutes: 10, queueDifficulty: 4 }).where(eq(skus.id, skuId));
    shoppers = await makeShoppers(20);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([front.stop(), app.stop()]);
  });

  const appSaw = (suffix: string) => app.logs().filter((l) => typeof l.path === "string" && l.path.endsWith(suffix) && l.msg === "request").length;

  it("answers 400 polls of the status (20 shoppers, 10 a second each) with one app request a second, whatever the cookie or query string", async () => {
    const before = appSaw("/queue/status");
    const started = Date.now();
    const answers: Answer[] = [];
    for (let round = 0; round < 20; round++) {
      answers.push(...(await Promise.all(shoppers.map((s, i) => send(front.base, "GET", `/api/drops/${skuId}/queue/status?r=${round}-${i}`, { cookie: s.cookie })))));
      await sleep(100);
    }
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(JSON.parse(answers.at(-1)!.body)).toMatchObject({ skuId, state: "open", admitPerSecond: 100 });
    expect(answers.filter((a) => a.headers["x-front-cache"] === "HIT" || a.headers["x-front-cache"] === "UPDATING").length).toBeGreaterThan(390);
    // One refresh per second of the entry's life (a busy machine stretches the 2 s of polling).
    expect(appSaw("/queue/status") - before).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
  });

  it("never keeps a shopper's own place or a challenge", async () => {
    const before = { me: appSaw("/queue/me"), challenge: appSaw("/challenge") };
    for (let i = 0; i < 3; i++) {
      expect((await send(front.base, "GET", `/api/drops/${skuId}/queue/me`, { cookie: shoppers[0]!.cookie })).status).toBe(200);
      const challenge = await send(front.base, "GET", `/api/drops/${skuId}/challenge`);
      expect(challenge.headers["cache-control"]).toBe("no-store");
    }
    // The app's log lines arrive through a pipe: wait for them; a request the front kept never comes.
    await expect.poll(() => appSaw("/queue/me") - before.me, { timeout: 5_000 }).toBe(3);
    await expect.poll(() => appSaw("/challenge") - before.challenge, { timeout: 5_000 }).toBe(3);
  });

  it("limits joins per address at the edge (429 past the burst, before the app)", async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => send(front.base, "POST", `/api/drops/${skuId}/queue`, { cookie: shoppers[i]!.cookie }, JSON.stringify({ challengeSolution: "unsolved" }))),
    );
    const refusedAtEdge = answers.filter((a) => a.status === 429);
    expect(refusedAtEdge.length).toBeGreaterThanOrEqual(5);
    expect(answers.filter((a) => a.status === 400).every((a) => JSON.parse(a.body).error.code === "CHALLENGE_FAILED")).toBe(true);
    expect(refusedAtEdge.every((a) => JSON.parse(a.body).error.code === "TOO_MANY_ATTEMPTS")).toBe(true);
  });

  it("limits asks for one's own place per address at the edge (429 past the burst, before the app)", async () => {
    const before = appSaw("/queue/me");
    const answers = await Promise.all(Array.from({ length: 40 }, () => send(front.base, "GET", `/api/drops/${skuId}/queue/me`, { cookie: shoppers[1]!.cookie })));
    const refusedAtEdge = answers.filter((a) => a.status === 429);
    expect(refusedAtEdge.length).toBeGreaterThanOrEqual(15);
    expect(refusedAtEdge.every((a) => JSON.parse(a.body).error.code === "TOO_MANY_ATTEMPTS")).toBe(true);
    // The app's log lines arrive through a pipe: wait for them, then they are exactly the 200s.
    const answered = answers.filter((a) => a.status === 200).length;
    await expect.poll(() => appSaw("/queue/me") - before, { timeout: 5_000 }).toBe(answered);
  });
});

describe("a drop's line across two app servers", () => {
  const a = new AppServer(BASE + 2, { ...env, WEB_CONCURRENCY: "1" });
  const b = new AppServer(BASE + 3, { ...env, WEB_CONCURRENCY: "1" });
  beforeAll(async () => {
    await Promise.all([a.start(), b.start()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it("a server killed after handing out a pass loses nothing: the other answers the same pass and it buys once; no pass, a forged or another's pass buys nothing", { timeout: 120_000 }, async () => {
    const [skuId] = (await makeSkus([10])) as [number];
    await getDb().update(skus).set({ queueAdmitPerSecond: 100, queuePassMinutes: 10, queueDifficulty: 4 }).where(eq(skus.id, skuId));
    const [holder, other] = await makeShoppers(2);
    for (const s of [holder!, other!]) await fillCart(s, [{ skuId, count: 1 }]);

    const challenge = JSON.parse((await send(a.base, "GET", `/api/drops/${skuId}/challenge`)).body) as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey });
    const challengeSolution = Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
    expect((await send(a.base, "POST", `/api/drops/${skuId}/queue`, { cookie: holder!.cookie }, JSON.stringify({ challengeSolution }))).status).toBe(201);
    let fromA: { state: string; pass?: string } = { state: "" };
    for (let i = 0; i < 100 && fromA.state !== "admitted"; i++) {
      fromA = JSON.parse((await send(a.base, "GET", `/api/drops/${skuId}/queue/me`, { cookie: holder!.cookie })).body);
      if (fromA.state !== "admitted") await sleep(20);
    }
    expect(fromA.state).toBe("admitted");
    await a.stop();

    const fromB = JSON.parse((await send(b.base, "GET", `/api/drops/${skuId}/queue/me`, { cookie: holder!.cookie })).body) as { pass: string };
    expect(fromB.pass).toBe(fromA.pass);
    const order = (s: Shopper, pass?: string) =>
      send(b.base, "POST", "/api/orders", { cookie: s.cookie, "idempotency-key": `k-${Math.random().toString(36).slice(2, 12)}`, ...(pass ? { "x-queue-pass": pass } : {}) }, JSON.stringify({ addressId: s.addressId, payMethod: "cod" }));
    const code = async (p: Promise<Answer>) => {
      const r = await p;
      return `${r.status} ${r.status < 300 ? "OK" : (JSON.parse(r.body) as { error: { code: string } }).error.code}`;
    };
    const forged = fromA.pass!.replace(/.{4}$/, "AAAA");
    expect(await code(order(other!))).toBe("429 QUEUE_REQUIRED");
    expect(await code(order(other!, fromA.pass))).toBe("403 QUEUE_PASS_INVALID");
    expect(await code(order(holder!, forged))).toBe("403 QUEUE_PASS_INVALID");
    expect(await code(order(holder!, fromA.pass))).toBe("201 OK");
    await fillCart(holder!, [{ skuId, count: 1 }]);
    expect(await code(order(holder!, fromA.pass))).toBe("409 QUEUE_PASS_USED");
    expect(await stockOf(skuId)).toEqual({ stock: 9, sales: 1 });
  });
});
