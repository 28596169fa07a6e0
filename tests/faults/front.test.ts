import { randomUUID } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { readdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { LOGIN_FREE_FAILURES } from "@/lib/auth/throttle";
import { fillCart, makeShopper, makeSkus, uid, type Shopper } from "../support/fixtures";
import { sleep, waitFor } from "../support/wait";
import { AppServer, DIST_DIR, FrontServer, PORTS, ROOT } from "./services";

/**
 * The front (scripts/front.sh: nginx, the repo's configuration) in front of two app servers on
 * the test database, as production runs them: the apps believe one proxy hop. Everything here
 * goes through the front's port, as a browser's requests would.
 */
const env = { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL!, CHECKOUT_RATE_LIMIT: "0", TRUSTED_PROXY_HOPS: "1" };
/**
 * A price change, an on/off-sale switch or a sell-out shows through the front within this (issue 25).
 * Measured: 0.9-1.0 s (the front keeps a page to the end of its second, lib/platform/front-expiry.mjs;
 * without that, nginx's whole seconds made it 1.9-2.0 s).
 */
const FRESH_MS = 2_000;

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };
/** The status of an answer whose connection closed after its header, before its end. */
const CUT = -1;

/** One request from a local address of our choosing (127.0.0.0/8 is all ours), so each test is its own client. */
function send(base: URL, method: string, urlPath: string, { headers = {}, body, from = "127.0.0.1" }: { headers?: Record<string, string>; body?: string | Buffer; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path: urlPath, localAddress: from, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      // The connection closed in the middle of the answer: no 'end' will come.
      res.on("error", () => resolve({ status: CUT, headers: res.headers, body: `cut after a ${res.statusCode} header` }));
    });
    // The front answers 413 before reading a large body, and may close while it is being written.
    req.on("error", reject);
    req.end(body);
  });
}

const json = (base: URL, method: string, urlPath: string, payload: unknown, extra: { cookie?: string; from?: string; headers?: Record<string, string> } = {}) =>
  send(base, method, urlPath, {
    from: extra.from,
    body: JSON.stringify(payload),
    headers: { "content-type": "application/json", origin: base.origin, ...(extra.cookie ? { cookie: extra.cookie } : {}), ...extra.headers },
  });

/** A local address no earlier run used: the app's per-address login counters last 15 minutes. */
const freshAddress = () => `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 250)}`;

async function productOf(skuId: number) {
  const [row] = await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, skuId));
  return `/products/${row!.spuId}`;
}

/** The raw answer to raw bytes, and how long the front kept the connection. */
function raw(port: number, write: (socket: net.Socket) => void): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let text = "";
    const socket = net.connect({ host: "127.0.0.1", port }, () => write(socket));
    socket.on("data", (c: Buffer) => (text += c.toString()));
    socket.on("error", () => {});
    socket.on("close", () => resolve({ text, ms: Date.now() - started }));
    setTimeout(() => reject(new Error("the front never closed the connection")), 20_000).unref();
  });
}

describe("the front (nginx) in front of two app servers", () => {
  const a = new AppServer(PORTS.server, env);
  const b = new AppServer(PORTS.server2, env);
  const front = new FrontServer(PORTS.front, [PORTS.server, PORTS.server2], { FRONT_CLIENT_TIMEOUT: "1s", FRONT_LOGIN_BURST: "100" });
  let admin: Shopper;

  beforeAll(async () => {
    await Promise.all([a.start(), b.start(), front.start()]);
    admin = await makeShopper("admin");
  }, 120_000);
  afterAll(async () => {
    await Promise.all([front.stop(), a.stop(), b.stop()]);
  });

  it("serves build files from disk, cached for a year, and keeps a page's HTML and RSC payload apart", async () => {
    const chunks = path.join(ROOT, DIST_DIR, "static/chunks");
    const chunk = readdirSync(chunks).find((f) => f.endsWith(".js"))!;
    const file = await send(front.base, "GET", `/_next/static/chunks/${chunk}`);
    expect(file.status).toBe(200);
    expect(file.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(file.headers["x-front-cache"]).toBeUndefined(); // never asked the app

    const [skuId] = await makeSkus([5]);
    const page = await productOf(skuId!);
    // One URL, as the router asks for it: `_rsc` names the payload, the RSC header says it is one.
    const html = async () => send(front.base, "GET", `${page}?_rsc`);
    const rsc = async () => send(front.base, "GET", `${page}?_rsc`, { headers: { rsc: "1" } });
    for (let i = 0; i < 3; i++) {
      const [h, r] = [await html(), await rsc()];
      expect([h.status, r.status]).toEqual([200, 200]);
      expect(h.headers["content-type"]).toMatch(/^text\/html/);
      expect(h.body).toMatch(/^<!DOCTYPE html>/i);
      expect(r.headers["content-type"]).toMatch(/^text\/x-component/);
      expect(r.body).not.toMatch(/<!DOCTYPE html>/i);
    }
    // Asked again within its second, the page comes from the front's cache.
    expect(["HIT", "UPDATING"]).toContain((await html()).headers["x-front-cache"]);
    expect(["HIT", "UPDATING"]).toContain((await rsc()).headers["x-front-cache"]);
  });

  it("never serves a signed-in shopper's page from the cache to someone else", async () => {
    const [skuId] = await makeSkus([20]);
    const [ann, bob] = [await makeShopper(), await makeShopper()];
    await fillCart(ann, [{ skuId: skuId!, count: 2 }]);
    await fillCart(bob, [{ skuId: skuId!, count: 7 }]);
    const callers = [{ who: ann }, { who: bob }, { who: null }];
    for (let round = 0; round < 3; round++) {
      for (const { who } of callers) {
        const cookie: Record<string, string> = who ? { cookie: who.cookie } : {};
        const me = await send(front.base, "GET", "/api/me", { headers: cookie });
        const cart = await send(front.base, "GET", "/api/cart", { headers: cookie });
        if (who) {
          expect(me.status).toBe(200);
          expect(JSON.parse(me.body).user.username).toBe(who.username);
          expect(cart.status).toBe(200);
          expect(cart.body).toContain(`"count":${who === ann ? 2 : 7}`);
        } else {
          expect(me.status).toBe(200);
          expect(JSON.parse(me.body)).toEqual({ user: null });
          expect(cart.body).not.toContain('"count":2');
          expect(cart.body).not.toContain('"count":7');
        }
        for (const page of ["/cart", "/orders", "/checkout", "/api/me", "/api/cart"]) {
          const res = await send(front.base, "GET", page, { headers: cookie });
          expect(res.headers["x-front-cache"], page).not.toBe("HIT");
          if (who) for (const other of [ann, bob].filter((s) => s !== who)) expect(res.body).not.toContain(other.username);
        }
      }
    }
  });

  it("counts a login guess against the address the front saw, whatever X-Forwarded-For the client writes", async () => {
    const attacker = freshAddress();
    const victim = freshAddress();
    const username = uid("victim");
    expect((await json(front.base, "POST", "/api/auth/register", { username, password: "password123" }, { from: victim })).status).toBe(201);
    const guess = (password: string, spoof: string) =>
      json(front.base, "POST", "/api/auth/login", { username, password }, { from: attacker, headers: { "x-forwarded-for": spoof, "x-real-ip": spoof } });
    // The pair's free failures, each claiming to come from somewhere else (one of them the victim).
    for (let i = 0; i < LOGIN_FREE_FAILURES.pair; i++) expect((await guess("wrong-password", i === 0 ? victim : freshAddress())).status).toBe(401);
    // The next guess, with a new X-Forwarded-For, is refused by the app (its JSON, its request id), even with the right password.
    for (const password of ["wrong-password", "password123"]) {
      const res = await guess(password, freshAddress());
      expect(res.status).toBe(429);
      expect(JSON.parse(res.body).error.code).toBe("TOO_MANY_ATTEMPTS");
      expect(res.headers["x-request-id"]).toBeTruthy();
    }
    // The victim the attacker named in X-Forwarded-For still logs in from its own address.
    expect((await json(front.base, "POST", "/api/auth/login", { username, password: "password123" }, { from: victim })).status).toBe(200);
  });

  it("answers a 1 MiB body with 413 itself: the app never sees it", async () => {
    const shopper = await makeShopper();
    const res = await send(front.base, "POST", "/api/cart/items", {
      body: Buffer.alloc(1024 * 1024, 0x20),
      headers: { "content-type": "application/json", cookie: shopper.cookie, origin: front.base.origin },
    }).catch((e: unknown) => ({ status: 0, headers: {}, body: String(e) }) as Answer);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(res.headers["x-request-id"]).toBeUndefined(); // every answer of the app carries one
    await sleep(100); // log lines are written after the answer; nothing awaits a line that should not come
    for (const server of [a, b]) expect(server.logs().filter((l) => l.path === "/api/cart/items" && l.status === 413)).toEqual([]);
  });

  it("answers a malformed request line with 400", async () => {
    const { text } = await raw(front.port, (s) => s.write("GET /products/1 HTTP/1.1 extra\r\nHost: x\r\n\r\n"));
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("cuts off a client that dribbles its headers, while everyone else is served", async () => {
    // 20 slow clients, a header byte every 200 ms: the front gives them 1 s (FRONT_CLIENT_TIMEOUT).
    const slow = Array.from({ length: 20 }, () =>
      raw(front.port, (s) => {
        s.write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        const timer = setInterval(() => (s.writable ? s.write("a") : clearInterval(timer)), 200);
        s.on("close", () => clearInterval(timer));
      }),
    );
    // Meanwhile the app answers others at once: no worker waits for those headers.
    const started = Date.now();
    const health = await send(front.base, "GET", "/api/health");
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    for (const { text, ms } of await Promise.all(slow)) {
      expect(text).not.toMatch(/^HTTP\/1\.1 200/);
      expect(ms).toBeLessThan(5_000);
    }
  });

  describe("freshness through the front across two app processes", () => {
    const put = (skuId: number, body: unknown) => json(front.base, "PUT", `/api/admin/skus/${skuId}`, body, { cookie: admin.cookie });

    /** Milliseconds from `since` until the page through the front shows `text` (every 20 ms; fails after 5 s). */
    async function msUntilShown(page: string, text: string, since: number) {
      while (Date.now() - since < 5_000) {
        if ((await send(front.base, "GET", page)).body.includes(text)) return Date.now() - since;
        await sleep(20);
      }
      throw new Error(`${page} never showed ${JSON.stringify(text)} through the front`);
    }

    /** Until the front serves `page` from its cache: the worst moment for a change to land. */
    async function cachedAtTheFront(page: string) {
      const since = Date.now();
      while ((await send(front.base, "GET", page)).headers["x-front-cache"] !== "HIT") {
        if (Date.now() - since > 3_000) throw new Error(`${page} is never cached by the front`);
        await sleep(10);
      }
    }

    it("shows a price change and an on/off-sale switch within 2 s", async () => {
      const [skuId] = await makeSkus([50]);
      const page = await productOf(skuId!);
      await cachedAtTheFront(page);
      let since = Date.now();
      expect((await put(skuId!, { price: "12.34" })).status).toBe(200);
      expect(await msUntilShown(page, "$12.34", since)).toBeLessThan(FRESH_MS);

      await cachedAtTheFront(page);
      since = Date.now();
      expect((await put(skuId!, { onSale: false })).status).toBe(200);
      expect(await msUntilShown(page, "Sold out", since)).toBeLessThan(FRESH_MS);

      await cachedAtTheFront(page);
      since = Date.now();
      expect((await put(skuId!, { onSale: true })).status).toBe(200);
      expect(await msUntilShown(page, "Add to cart", since)).toBeLessThan(FRESH_MS);
    });

    it("shows a sell-out by a checkout within 2 s, on the page and the stock read", async () => {
      const [skuId] = await makeSkus([1]);
      const page = await productOf(skuId!);
      await cachedAtTheFront(page);
      await cachedAtTheFront(`/api/stock/${skuId}`);
      const buyer = await makeShopper();
      await fillCart(buyer, [{ skuId: skuId!, count: 1 }]);
      const since = Date.now();
      const order = await json(front.base, "POST", "/api/orders", { addressId: buyer.addressId, payMethod: "cod" }, { cookie: buyer.cookie, headers: { "idempotency-key": randomUUID() } });
      expect(order.status).toBe(201);
      expect(await msUntilShown(page, "Sold out", since)).toBeLessThan(FRESH_MS);
      expect(await msUntilShown(`/api/stock/${skuId}`, '"stock":0', since)).toBeLessThan(FRESH_MS);
    });
  });
});

describe("a worker that dies behind the front", () => {
  // Two workers on a port each, as `npm run demo` runs them: the front lists both.
  const app = new AppServer(PORTS.server + 2, { ...env, WEB_CONCURRENCY: "2", PORT_PER_WORKER: "1" });
  const front = new FrontServer(PORTS.front + 1, [PORTS.server + 2], { APP_WORKERS: "2" });

  beforeAll(async () => {
    await Promise.all([app.start(), front.start()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([front.stop(), app.stop()]);
  });

  it("strands no GET: the front sends it again, to the worker that lives", async () => {
    const slowest = { ms: 0 };
    const health = async () => {
      const started = Date.now();
      const res = await send(front.base, "GET", "/api/health").catch(() => ({ status: 0, headers: {}, body: "" }) as Answer);
      slowest.ms = Math.max(slowest.ms, Date.now() - started);
      return res;
    };
    const victim = (JSON.parse((await health()).body) as { pool: { worker: number } }).pool.worker;
    const statuses: number[] = [];
    let stop = false;
    const clients = Array.from({ length: 8 }, async () => {
      while (!stop) statuses.push((await health()).status);
    });
    await waitFor("traffic through the front", () => statuses.length > 50);
    process.kill(victim, "SIGKILL");
    const killedAt = statuses.length;
    // Until the launcher has restarted it, and some traffic after.
    await waitFor("the worker to be restarted", async () => app.logs().filter((l) => l.msg === "worker ready").length >= 3 && statuses.length > killedAt + 200, 30_000);
    stop = true;
    await Promise.all(clients);
    expect(statuses.length).toBeGreaterThan(killedAt + 200);
    // One shared port let GETs wait on connections the dead worker never read (nginx's 60 s
    // timeout), or fail when every try landed on them; a dead worker's own port refuses at once.
    expect(slowest.ms).toBeLessThan(5_000);
    // Every GET the dead worker had not begun to answer went to the other one. Left: a GET whose
    // worker died between writing its header and its body (Next.js writes them apart) is cut off;
    // nginx has the header by then and never resends. Seen about once in 15 kills, never twice.
    expect(statuses.filter((s) => s !== 200 && s !== CUT)).toEqual([]);
    expect(statuses.filter((s) => s === CUT).length).toBeLessThanOrEqual(2);
  });
});
