import { spawn } from "node:child_process";
import type { NextResponse } from "next/server";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GET as challengeRoute } from "@/app/api/drops/[skuId]/challenge/route";
import { POST as joinRoute } from "@/app/api/drops/[skuId]/queue/route";
import { GET as meRoute } from "@/app/api/drops/[skuId]/queue/me/route";
import { GET as statusRoute } from "@/app/api/drops/[skuId]/queue/status/route";
import { GET as boardRoute } from "@/app/api/admin/drops/[skuId]/queue/route";
import { PUT as putSku } from "@/app/api/admin/skus/[skuId]/route";
import { POST as ordersRoute } from "@/app/api/orders/route";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { queueSeams, shufflePrequeue } from "@/lib/drops/queue";
import { passToken, readPass } from "@/lib/drops/queue-pass";
import { lineBoard } from "@/lib/drops/queue-store";
import { seededRandomInt, shuffled } from "@/lib/drops/shuffle";
import { placeOrder } from "@/lib/orders/checkout";
import { clearSoldOut } from "@/lib/orders/soldout";
import { checkoutSeams } from "@/lib/orders/seams";
import { placeFromProcesses } from "./support/buyer-processes";
import { ctx, fillCart, makeShopper, makeShoppers, makeSkus, ordersOf, redis, request, restock, stockOf, type Shopper } from "./support/fixtures";

type Room = { admitPerSecond: number; passMinutes: number; difficulty: number };
const EASY: Room = { admitPerSecond: 1000, passMinutes: 10, difficulty: 4 };

async function dropWithRoom(stock: number, room: Room = EASY, saleStartsAt: Date | null = null): Promise<number> {
  const [skuId] = await makeSkus([stock]);
  await getDb().update(skus).set({ queueAdmitPerSecond: room.admitPerSecond, queuePassMinutes: room.passMinutes, queueDifficulty: room.difficulty, saleStartsAt }).where(eq(skus.id, skuId!));
  return skuId!;
}

const sku = (skuId: number) => ctx({ skuId: String(skuId) });
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } });

async function challengeOf(skuId: number): Promise<Challenge> {
  const res = await challengeRoute(request(`/api/drops/${skuId}/challenge`), sku(skuId));
  expect(res.status).toBe(200);
  return (await res.json()) as Challenge;
}

/** What the widget submits: base64 of `{ challenge, solution }`. */
async function solved(skuId: number, challenge?: Challenge): Promise<string> {
  const c = challenge ?? (await challengeOf(skuId));
  const solution = await solveChallenge({ challenge: c, deriveKey });
  return Buffer.from(JSON.stringify({ challenge: c, solution })).toString("base64");
}

const join = async (skuId: number, shopper: { cookie: string } | null, challengeSolution: unknown) =>
  json(await joinRoute(request(`/api/drops/${skuId}/queue`, { method: "POST", body: { challengeSolution }, cookie: shopper?.cookie }), sku(skuId)));
const me = async (skuId: number, shopper: Shopper) => json(await meRoute(request(`/api/drops/${skuId}/queue/me`, { cookie: shopper.cookie }), sku(skuId)));
const status = async (skuId: number) => json(await statusRoute(request(`/api/drops/${skuId}/queue/status`), sku(skuId)));

/** Polls `me` until the shopper holds a pass; its token. */
async function passOf(skuId: number, shopper: Shopper, withinMs = 5_000): Promise<string> {
  const until = Date.now() + withinMs;
  for (;;) {
    const { body } = await me(skuId, shopper);
    if (body.state === "admitted") return body.pass as string;
    if (Date.now() > until) throw new Error(`not admitted: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

const buy = (shopper: Shopper, queuePasses: string[], key = randomUUID()) => placeOrder({ userId: shopper.id, addressId: shopper.addressId, payMethod: "cod", idempotencyKey: key, queuePasses });

afterEach(() => {
  queueSeams.randomInt = undefined;
  checkoutSeams.readCart = undefined;
  vi.useRealTimers();
});

describe("the prequeue's shuffle", () => {
  it("is uniform: 24,000 shuffles of 4 (fixed seed) give each of the 24 orders about 1,000 times (chi-square < 49.7, p = 0.001 at 23 df)", () => {
    const randomInt = seededRandomInt(37);
    const counts = new Map<string, number>();
    const N = 24_000;
    for (let i = 0; i < N; i++) {
      const key = shuffled([1, 2, 3, 4], randomInt).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const expected = N / 24;
    const chi2 = [...counts.values()].reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(49.7);
    // A biased shuffle (swap with any index, the classic mistake) fails the same bound.
    const naive = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const a = [1, 2, 3, 4];
      for (let k = 0; k < a.length; k++) {
        const j = randomInt(a.length);
        [a[k], a[j]] = [a[j]!, a[k]!];
      }
      naive.set(a.join(""), (naive.get(a.join("")) ?? 0) + 1);
    }
    expect([...naive.values()].reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0)).toBeGreaterThan(49.7);
  });

  it("numbers the prequeue 1..k at the launch, exactly once, in the seeded shuffle's order; later arrivals queue behind in arrival order", { timeout: 30_000 }, async () => {
    const launch = new Date(Date.now() + 4_000);
    const skuId = await dropWithRoom(100, { ...EASY, admitPerSecond: 1 }, launch);
    const early = await makeShoppers(6);
    const solutions = await Promise.all(early.map(() => solved(skuId)));
    for (const [i, s] of early.entries()) expect((await join(skuId, s, solutions[i])).body).toMatchObject({ state: "prequeue", ticket: null });
    expect((await status(skuId)).body).toMatchObject({ state: "upcoming", prequeued: 6, issued: 0 });
    queueSeams.randomInt = seededRandomInt(7);
    await new Promise((r) => setTimeout(r, launch.getTime() - Date.now() + 50));

    const late = await makeShoppers(3);
    for (const s of late) expect((await join(skuId, s, await solved(skuId))).status).toBe(201);
    const ticketOf = async (s: Shopper) => (await me(skuId, s)).body.ticket as number;
    const tickets = await Promise.all(early.map(ticketOf));
    const expectedOrder = shuffled(early.map((s) => s.id), seededRandomInt(7));
    expect(expectedOrder.map((id) => tickets[early.findIndex((s) => s.id === id)])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await Promise.all(late.map(ticketOf))).toEqual([7, 8, 9]);
    // A second shuffle (another process arriving late, another seed) changes nothing.
    queueSeams.randomInt = seededRandomInt(99);
    await shufflePrequeue(skuId, launch.getTime());
    expect(await Promise.all(early.map(ticketOf))).toEqual(tickets);
  });
});

describe("admission", () => {
  it("after the launch follows arrival order, at the owner's rate", { timeout: 30_000 }, async () => {
    const skuId = await dropWithRoom(100, { ...EASY, admitPerSecond: 5 });
    const shoppers = await makeShoppers(8);
    // Solved first, so the joins follow each other closely.
    const solutions = await Promise.all(shoppers.map(() => solved(skuId)));
    const joined: number[] = [];
    for (const [i, s] of shoppers.entries()) joined.push((await join(skuId, s, solutions[i])).body.ticket as number);
    expect(joined).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const admittedAt = new Map<number, number>();
    const started = Date.now();
    while (admittedAt.size < shoppers.length && Date.now() - started < 10_000) {
      const answers = await Promise.all(shoppers.map((s) => me(skuId, s)));
      answers.forEach(({ body }, i) => {
        if (body.state === "admitted" && !admittedAt.has(i)) admittedAt.set(i, Date.now());
        if (body.state === "waiting") expect(body.position).toBe((body.ticket as number) - (body.serving as number));
      });
      // Whoever is in, everyone who came before is in too.
      const inNow = [...admittedAt.keys()].sort((a, b) => a - b);
      expect(inNow).toEqual(inNow.map((_, k) => k));
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(admittedAt.size).toBe(8);
    // 8 at 5/s: the last about 1.4 s after the first (the first joined when the line opened), never all at once.
    expect(admittedAt.get(7)! - admittedAt.get(0)!).toBeGreaterThanOrEqual(900);
    const { body } = await status(skuId);
    expect(body).toMatchObject({ state: "open", serving: 8, issued: 8, admitPerSecond: 5 });
    const admin = await makeShopper("admin");
    const board = await json(await boardRoute(request(`/api/admin/drops/${skuId}/queue`, { cookie: admin.cookie }), sku(skuId)));
    expect(board.body.queue).toMatchObject({ waiting: 0, passes: { admitted: 8, used: 0, expired: 0, live: 8 }, medianWaitSeconds: expect.any(Number) });
  });
});

describe("passes", () => {
  it("go out at the owner's rate even to a crowd that learns at once it is in: the rest hear 'waiting, next' and get theirs a second later", { timeout: 30_000 }, async () => {
    const skuId = await dropWithRoom(100, { ...EASY, admitPerSecond: 3 });
    const shoppers = await makeShoppers(9);
    const solutions = await Promise.all(shoppers.map(() => solved(skuId)));
    for (const [i, s] of shoppers.entries()) expect((await join(skuId, s, solutions[i])).status).toBe(201);
    // Nobody asks until all 9 are served (3 a second: 3 s), as a crowd held up at the launch would.
    await expect.poll(async () => (await status(skuId)).body.serving, { timeout: 10_000, interval: 100 }).toBe(9);
    const t0 = Date.now();
    // At most the bucket (one second's worth: 3) plus what it refilled while the asks ran.
    const allowed = () => 3 + Math.floor(((Date.now() - t0) * 3) / 1000);
    const admittedIn = (answers: Awaited<ReturnType<typeof me>>[]) => answers.flatMap(({ body }, i) => (body.state === "admitted" ? [i] : []));
    const first = await Promise.all(shoppers.map((s) => me(skuId, s)));
    const handed = admittedIn(first);
    expect(handed.length).toBeGreaterThanOrEqual(3);
    expect(handed.length).toBeLessThanOrEqual(allowed());
    for (const { body } of first.filter(({ body }) => body.state !== "admitted")) expect(body).toMatchObject({ state: "waiting", position: 0, etaSeconds: 1 });
    // A pass handed out is handed again, without spending the rate.
    const again = await Promise.all(shoppers.map((s) => me(skuId, s)));
    expect(admittedIn(again)).toEqual(expect.arrayContaining(handed));
    expect(admittedIn(again).length).toBeLessThanOrEqual(allowed());
    // A second's refill: three more.
    await new Promise((r) => setTimeout(r, 1_050));
    const later = admittedIn(await Promise.all(shoppers.map((s) => me(skuId, s))));
    expect(later.length).toBeGreaterThanOrEqual(6);
    expect(later.length).toBeLessThanOrEqual(allowed());
  });
});

describe("joining", () => {
  it("answers the API's codes", async () => {
    const skuId = await dropWithRoom(5);
    const [plain] = await makeSkus([5]);
    const [a, b] = await makeShoppers(2);
    expect((await join(skuId, null, "x")).status).toBe(401);
    expect((await join(999_999_999, a!, "x")).body.error?.code).toBe("SKU_NOT_FOUND");
    expect((await json(await challengeRoute(request(`/api/drops/${plain}/challenge`), sku(plain!)))).body.error?.code).toBe("QUEUE_NOT_FOUND");
    expect((await join(plain!, a!, "x")).body.error?.code).toBe("QUEUE_NOT_FOUND");
    expect((await join(skuId, a!, "not a payload")).body.error?.code).toBe("CHALLENGE_FAILED");

    const first = await join(skuId, a!, await solved(skuId));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ ticket: 1, position: expect.any(Number), etaSeconds: expect.any(Number) });
    const again = await join(skuId, a!, await solved(skuId));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "ALREADY_QUEUED", ticket: 1 });

    // The status is one shared, cacheable answer.
    const res = await statusRoute(request(`/api/drops/${skuId}/queue/status`), sku(skuId));
    expect(res.headers.get("cache-control")).toBe("public, s-maxage=1");
    expect(await res.json()).toMatchObject({ skuId, state: "open", issued: 1, admitPerSecond: EASY.admitPerSecond, launchAt: null, closedAt: null });

    await getDb().update(skus).set({ stock: 0 }).where(eq(skus.id, skuId));
    expect((await join(skuId, b!, "x")).status).toBe(410);
  });

  it("takes a challenge once, not a wrong one, not another SKU's, not an expired one", async () => {
    const skuId = await dropWithRoom(5);
    const other = await dropWithRoom(5);
    const [a, b, c, d] = await makeShoppers(4);
    const challenge = await challengeOf(skuId);
    const payload = await solved(skuId, challenge);
    const decoded = JSON.parse(Buffer.from(payload, "base64").toString()) as { challenge: Challenge; solution: { counter: number; derivedKey: string } };

    const wrong = { ...decoded, solution: { ...decoded.solution, counter: decoded.solution.counter + 1, derivedKey: "00".repeat(32) } };
    expect((await join(skuId, a!, wrong)).body.error?.code).toBe("CHALLENGE_FAILED");
    expect((await join(other, a!, payload)).body.error?.code).toBe("CHALLENGE_FAILED");
    expect((await join(skuId, a!, payload)).status).toBe(201);
    // The same solved challenge, by another account: spent.
    const reused = await join(skuId, b!, payload);
    expect(reused.status).toBe(400);
    expect(reused.body.error?.code).toBe("CHALLENGE_FAILED");

    const late = await solved(skuId);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 301_000);
    expect((await join(skuId, c!, late)).body.error?.code).toBe("CHALLENGE_FAILED");
    vi.useRealTimers();
    expect((await join(skuId, d!, await solved(skuId))).status).toBe(201);
  });
});

describe("checkout of a queued SKU", () => {
  it("needs a valid pass, across two server processes: none 429, forged or someone else's 403, one's own buys", { timeout: 120_000 }, async () => {
    const skuId = await dropWithRoom(50);
    const [owner, other, stranger] = await makeShoppers(3);
    await join(skuId, owner!, await solved(skuId));
    const pass = await passOf(skuId, owner!);
    const p = readPass(pass)!;
    const forged = passToken({ ...p, ticket: p.ticket + 1 }).replace(/.{4}$/, "AAAA");
    const order = (s: Shopper, queuePasses?: string[]) => ({ userId: s.id, addressId: s.addressId, key: randomUUID(), queuePasses });
    const outcomes = await placeFromProcesses(
      [
        [order(stranger!), order(stranger!, [forged]), order(other!, [pass])],
        [order(other!), order(stranger!, ["garbage"]), order(owner!, [pass])],
      ],
      "batched",
      { ownCart: [{ skuId, count: 1 }] },
    );
    expect(outcomes).toEqual([
      ["QUEUE_REQUIRED", "QUEUE_PASS_INVALID", "QUEUE_PASS_INVALID"],
      ["QUEUE_REQUIRED", "QUEUE_REQUIRED", "OK"],
    ]);
    expect(await stockOf(skuId)).toEqual({ stock: 49, sales: 1 });
    expect((await me(skuId, owner!)).body.state).toBe("used");
  });

  it("through POST /api/orders: the X-Queue-Pass header or the cookie `me` set", async () => {
    const skuId = await dropWithRoom(10);
    const [viaHeader, viaCookie, none] = await makeShoppers(3);
    for (const s of [viaHeader!, viaCookie!, none!]) {
      await fillCart(s, [{ skuId, count: 1 }]);
      await join(skuId, s, await solved(skuId));
    }
    const headerPass = await passOf(skuId, viaHeader!);
    await passOf(skuId, viaCookie!);
    const res = (await meRoute(request(`/api/drops/${skuId}/queue/me`, { cookie: viaCookie!.cookie }), sku(skuId))) as NextResponse;
    const cookie = res.cookies.get(`sr_qp_${skuId}`);
    expect(cookie).toMatchObject({ httpOnly: true, path: "/" });
    const post = (s: Shopper, headers: Record<string, string>, extraCookie = "") =>
      ordersRoute(request("/api/orders", { method: "POST", body: { addressId: s.addressId, payMethod: "cod" }, cookie: s.cookie + extraCookie, headers: { "idempotency-key": randomUUID(), ...headers } }), ctx({}));
    expect((await post(viaHeader!, { "x-queue-pass": headerPass })).status).toBe(201);
    expect((await post(viaCookie!, {}, `; sr_qp_${skuId}=${cookie!.value}`)).status).toBe(201);
    const refused = await json(await post(none!, {}));
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("QUEUE_REQUIRED");
  });

  it("one pass buys once: the same pass from two processes at once, then again", { timeout: 120_000 }, async () => {
    const skuId = await dropWithRoom(10);
    const shopper = await makeShopper();
    await join(skuId, shopper, await solved(skuId));
    const pass = await passOf(skuId, shopper);
    const order = () => ({ userId: shopper.id, addressId: shopper.addressId, key: randomUUID(), queuePasses: [pass] });
    const outcomes = (await placeFromProcesses([[order(), order()], [order(), order()]], "batched", { ownCart: [{ skuId, count: 1 }] })).flat();
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "OK")).toEqual(Array(3).fill("QUEUE_PASS_USED"));
    checkoutSeams.readCart = async () => ({ lines: [{ skuId, count: 1, selected: true }], revision: randomUUID().replaceAll("-", "") });
    expect((await refusal(buy(shopper, [pass]))).code).toBe("QUEUE_PASS_USED");
    expect(await stockOf(skuId)).toEqual({ stock: 9, sales: 1 });
  });

  it("a refused checkout leaves the pass usable, and a retry of the same key gets the same order", async () => {
    const skuId = await dropWithRoom(10);
    const shopper = await makeShopper();
    await join(skuId, shopper, await solved(skuId));
    const pass = await passOf(skuId, shopper);
    await fillCart(shopper, [{ skuId, count: 11 }]).catch(() => undefined);
    checkoutSeams.readCart = async () => ({ lines: [{ skuId, count: 11, selected: true }], revision: randomUUID().replaceAll("-", "") });
    expect((await refusal(buy(shopper, [pass]))).code).toBe("OUT_OF_STOCK");
    checkoutSeams.readCart = async () => ({ lines: [{ skuId, count: 2, selected: true }], revision: "rev-fixed-1" });
    const key = randomUUID();
    const first = await buy(shopper, [pass], key);
    const again = await buy(shopper, [pass], key);
    expect(again.order.orderId).toBe(first.order.orderId);
    expect(await stockOf(skuId)).toEqual({ stock: 8, sales: 2 });
  });
});

describe("the sell-out", () => {
  it("closes the line within 1 s for everyone: waiting told, nobody admitted after, an unexpired pass gets the ordinary sold-out answer", { timeout: 30_000 }, async () => {
    const skuId = await dropWithRoom(1, { ...EASY, admitPerSecond: 2 });
    const [buyer, holder, waiter, late] = await makeShoppers(4);
    for (const s of [buyer!, holder!, waiter!]) await join(skuId, s, await solved(skuId));
    const [buyerPass, holderPass] = [await passOf(skuId, buyer!), await passOf(skuId, holder!)];
    expect((await me(skuId, waiter!)).body.state).toBe("waiting");

    checkoutSeams.readCart = async () => ({ lines: [{ skuId, count: 1, selected: true }], revision: randomUUID().replaceAll("-", "") });
    await buy(buyer!, [buyerPass]);
    const soldAt = Date.now();
    let closed = false;
    while (!closed && Date.now() - soldAt < 1_000) {
      closed = (await status(skuId)).body.state === "closed";
      if (!closed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(closed).toBe(true);
    expect(Date.now() - soldAt).toBeLessThan(1_000);
    expect((await status(skuId)).body.closedAt).toEqual(expect.any(String));
    expect((await me(skuId, waiter!)).body.state).toBe("closed");
    await new Promise((r) => setTimeout(r, 700));
    expect((await me(skuId, waiter!)).body.state).toBe("closed");
    expect((await join(skuId, late!, await solved(skuId).catch(() => "x"))).status).toBe(410);
    expect((await refusal(buy(holder!, [holderPass]))).code).toBe("OUT_OF_STOCK");
    expect(await stockOf(skuId)).toEqual({ stock: 0, sales: 1 });

    // Units back (a restock, a cancelled order): the line opens again and the pass still unspent buys.
    await restock(skuId, 1);
    await clearSoldOut([skuId]);
    expect((await status(skuId)).body).toMatchObject({ state: "open", closedAt: null });
    expect(["waiting", "admitted"]).toContain((await me(skuId, waiter!)).body.state);
    expect((await buy(holder!, [holderPass])).created).toBe(true);
  });
});

describe("passes", () => {
  it("not used in time return their slot to the next in line", { timeout: 30_000 }, async () => {
    // 1 admitted a second and passes of a minute: the first's window is cut short in Redis (what a
    // minute of Redis's clock would do), and the next poll gives its slot to the next in line.
    const skuId = await dropWithRoom(10, { admitPerSecond: 1, passMinutes: 1, difficulty: 4 });
    const shoppers = await makeShoppers(3);
    for (const s of shoppers) await join(skuId, s, await solved(skuId));
    await passOf(skuId, shoppers[0]!, 3_000);
    const before = (await status(skuId)).body.serving as number;
    await redis().zadd(`wr:{sku:${skuId}}:live`, 1, "1");
    const after = (await status(skuId)).body.serving as number;
    expect(after).toBeGreaterThan(before);
    expect((await me(skuId, shoppers[0]!)).body.state).toBe("expired");
    const { fields } = await lineBoard(skuId);
    expect(Number(fields.expired)).toBe(1);
  });

  it("a worker killed mid-drop loses no pass: another process sees the same pass and it buys", { timeout: 60_000 }, async () => {
    const skuId = await dropWithRoom(10);
    const shopper = await makeShopper();
    await join(skuId, shopper, await solved(skuId));
    await passOf(skuId, shopper);
    // Node itself with tsx's loader, not the tsx wrapper: a SIGKILL to a wrapper would leave its child running.
    const worker = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(import.meta.dirname, "support/queue-process.ts"), String(shopper.id), String(skuId)], { env: process.env });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      worker.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.trim());
      });
      let err = "";
      worker.stderr.on("data", (d: Buffer) => (err += d.toString()));
      worker.on("exit", (code) => reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`)));
    });
    const fromWorker = JSON.parse(line) as { state: string; pass: string };
    expect(fromWorker.state).toBe("admitted");
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    // This process never held it in memory: the pass is the same, and it buys.
    expect((await me(skuId, shopper)).body.pass).toBe(fromWorker.pass);
    checkoutSeams.readCart = async () => ({ lines: [{ skuId, count: 1, selected: true }], revision: randomUUID().replaceAll("-", "") });
    expect((await buy(shopper, [fromWorker.pass])).created).toBe(true);
    expect((await ordersOf([shopper.id])).length).toBe(1);
  });
});

describe("the owner's switch", () => {
  it("PUT /api/admin/skus/:skuId sets and clears the waiting room; the console reads the line", async () => {
    const [skuId] = await makeSkus([5]);
    const admin = await makeShopper("admin");
    const put = async (body: unknown) => json(await putSku(request(`/api/admin/skus/${skuId}`, { method: "PUT", body, cookie: admin.cookie }), sku(skuId!)));
    expect((await put({ waitingRoom: { admitPerSecond: 0, passMinutes: 10, difficulty: 500 } })).status).toBe(400);
    const on = await put({ waitingRoom: { admitPerSecond: 50, passMinutes: 10, difficulty: 500 } });
    expect(on.status).toBe(200);
    expect((on.body.sku as { waitingRoom: Room }).waitingRoom).toEqual({ admitPerSecond: 50, passMinutes: 10, difficulty: 500 });
    const board = await json(await boardRoute(request(`/api/admin/drops/${skuId}/queue`, { cookie: admin.cookie }), sku(skuId!)));
    expect(board.body.queue).toMatchObject({ state: "open", waiting: 0, admitPerSecond: 50, passes: { admitted: 0, used: 0, expired: 0, live: 0 }, medianWaitSeconds: null, closedAt: null });
    const off = await put({ waitingRoom: null });
    expect((off.body.sku as { waitingRoom: Room | null }).waitingRoom).toBeNull();
    expect((await json(await boardRoute(request(`/api/admin/drops/${skuId}/queue`, { cookie: admin.cookie }), sku(skuId!)))).status).toBe(404);
  });
});
