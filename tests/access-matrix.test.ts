import { readdirSync } from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "@/db";
import { alertToken } from "@/lib/alerts/token";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { queueChallenge } from "@/lib/drops/queue";
import { addImage } from "@/lib/images/service";
import { register } from "@/lib/auth/service";
import { SESSION_COOKIE, createSession } from "@/lib/auth/session";
import { createAddress } from "@/lib/orders/addresses";
import { placeOrder } from "@/lib/orders/checkout";
import { shipOrder } from "@/lib/orders/lifecycle";
import { makeLocation, makeSkus, makeShopper, fillCart, request, spreadStock, stockAt, uid, type Shopper } from "./support/fixtures";
import { picture, uploadForm } from "./support/images";

/**
 * Every API route handler, called as each kind of caller. Routes are found by globbing
 * app/api/**\/route.ts, so a new route or method without an entry here fails this test.
 */
type Caller = "anonymous" | "shopper" | "other" | "admin";
const CALLERS: Caller[] = ["anonymous", "shopper", "other", "admin"];
type World = { shopper: Shopper; other: Shopper; admin: Shopper; skuId: number };
/** `form`: a multipart body instead of JSON (the picture upload). */
type Call = { params?: Record<string, string>; body?: unknown; form?: FormData; headers?: Record<string, string>; query?: string; cookie?: string | null };
type Entry = { expect: Record<Caller, number>; prepare?: (w: World, caller: Caller) => Promise<Call> };

const all = (status: number) => ({ anonymous: status, shopper: status, other: status, admin: status });
const userOnly = (status: number) => ({ anonymous: 401, shopper: status, other: status, admin: status });
const adminOnly = (status: number) => ({ anonymous: 401, shopper: 403, other: 403, admin: status });
// Someone else's order is a 404, never a 403: its existence is not revealed.
const ownerOnly = (status: number) => ({ anonymous: 401, shopper: status, other: 404, admin: 404 });

/**
 * Two fresh inactive locations (the shop keeps one active location for the files after this one),
 * the first holding 5 of the SKU beside where its units already are: a transfer's source and destination.
 */
async function twoLocationsFor(skuId: number) {
  const from = await makeLocation(9, { active: false });
  const to = await makeLocation(9, { active: false });
  const rest = [...(await stockAt(skuId))].map(([locationId, stock]) => ({ locationId, stock }));
  await spreadStock(skuId, [...rest, { locationId: from, stock: 5 }]);
  return [from, to];
}

const userOf = (w: World, caller: Caller) => (caller === "anonymous" ? undefined : w[caller]);

/** A picture of the world's product, added by the admin: something to reorder or delete. */
async function aPicture(w: World) {
  const spuId = await spuOf(w);
  const image = await addImage(w.admin.id, Number(spuId), await picture("png", 64, 48), { alt: "Matrix picture", skuId: null });
  return { spuId, imageId: String(image.imageId) };
}

async function shopperOrder(w: World, payMethod: "cod" | "online") {
  await fillCart(w.shopper, [{ skuId: w.skuId, count: 1 }]);
  const { order } = await placeOrder({ userId: w.shopper.id, addressId: w.shopper.addressId, payMethod, idempotencyKey: uid("matrix-") });
  return order.orderId;
}

/** A waiting back-in-stock subscription's signed unsubscribe token. */
async function anAlertToken() {
  const [skuId] = await makeSkus([0]);
  const [res] = await getPool().query("INSERT INTO stock_alerts (sku_id, email) VALUES (?, ?)", [skuId, `${uid("m")}@example.com`]);
  return alertToken((res as { insertId: number }).insertId);
}

/** An order's confirmation e-mail (its outbox row's id): something to resend. */
async function anEmail(w: World) {
  const orderId = await shopperOrder(w, "cod");
  const [rows] = await getPool().query("SELECT id FROM mail_outbox WHERE order_id = ? ORDER BY id LIMIT 1", [orderId]);
  return String((rows as { id: number }[])[0]!.id);
}

/** A session of its own for the auth routes, which end the session they are sent with. */
async function throwawayCookie(w: World, caller: Caller) {
  const user = userOf(w, caller);
  return user ? `${SESSION_COOKIE}=${(await createSession(user.id)).token}` : null;
}

/** A SKU of its own with a waiting room (an easy proof-of-work), for the drop routes. */
async function aQueuedSku() {
  const [skuId] = await makeSkus([5]);
  await getPool().query("UPDATE skus SET queue_admit_per_second = 100, queue_pass_minutes = 10, queue_difficulty = 4 WHERE id = ?", [skuId]);
  return skuId!;
}

/** A solved challenge of the drop, as the widget submits it. */
async function solvedFor(skuId: number) {
  const challenge = await queueChallenge(skuId);
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

/** The world's product, for the catalog routes. */
const spuOf = async (w: World) => String(((await getPool().query("SELECT spu_id FROM skus WHERE id = ?", [w.skuId]))[0] as { spu_id: number }[])[0]!.spu_id);
const MATRIX_ADDRESS = { name: "Matrix", email: "m@example.com", phone: "+1 555 0101", line1: "1 Street", line2: "", city: "Portland", region: "OR", postcode: "97201", country: "US" as const };

const MATRIX: Record<string, Entry> = {
  "GET /api/addresses": { expect: userOnly(200) },
  "POST /api/addresses": {
    expect: userOnly(201),
    prepare: async () => ({ body: { name: "Matrix", email: "m@example.com", phone: "+1 555 0101", line1: "1 Street", city: "Portland", region: "OR", postcode: "97201", country: "US" } }),
  },
  // A fresh address of the shopper each time: the other entries keep theirs.
  "PUT /api/addresses/[addressId]": { expect: ownerOnly(200), prepare: async (w) => ({ params: { addressId: String((await createAddress(w.shopper.id, MATRIX_ADDRESS)).id) }, body: { line2: "Apt 1" } }) },
  "DELETE /api/addresses/[addressId]": { expect: ownerOnly(204), prepare: async (w) => ({ params: { addressId: String((await createAddress(w.shopper.id, MATRIX_ADDRESS)).id) } }) },
  // Without the order's signed link nobody claims it: a 404 for every signed-in caller.
  "POST /api/orders/[orderId]/claim": { expect: { anonymous: 401, shopper: 404, other: 404, admin: 404 }, prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "cod") } }) },
  "POST /api/admin/orders/[orderId]/complete": {
    expect: adminOnly(200),
    prepare: async (w) => {
      const orderId = await shopperOrder(w, "cod");
      await shipOrder(orderId);
      return { params: { orderId } };
    },
  },
  "POST /api/admin/orders/[orderId]/ship": { expect: adminOnly(200), prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "cod") } }) },
  "GET /api/admin/orders": { expect: adminOnly(200) },
  "GET /api/admin/orders/[orderId]/emails": { expect: adminOnly(200), prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "cod") } }) },
  "GET /api/admin/emails": { expect: adminOnly(200), prepare: async () => ({ query: "?state=failed" }) },
  "GET /api/admin/stock-alerts": { expect: adminOnly(200), prepare: async (w) => ({ query: `?skuId=${w.skuId}` }) },
  "POST /api/admin/emails/[id]/resend": { expect: adminOnly(201), prepare: async (w) => ({ params: { id: await anEmail(w) } }) },
  "GET /api/admin/orders/[orderId]": { expect: adminOnly(200), prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "cod") } }) },
  "POST /api/admin/orders/[orderId]/cancel": { expect: adminOnly(200), prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "cod") } }) },
  "POST /api/admin/orders/ship": { expect: adminOnly(200), prepare: async (w) => ({ body: { orderIds: [await shopperOrder(w, "cod")] } }) },
  "PUT /api/admin/skus/[skuId]": { expect: adminOnly(200), prepare: async (w) => ({ params: { skuId: String(w.skuId) }, body: { onSale: true, perCustomerLimit: null, saleStartsAt: null } }) },
  "GET /api/admin/stock/[skuId]/adjustments": { expect: adminOnly(200), prepare: async (w) => ({ params: { skuId: String(w.skuId) } }) },
  "POST /api/admin/stock/[skuId]/adjustments": {
    expect: adminOnly(201),
    // Named: the locations POST below may have made the shop one of several active locations.
    prepare: async (w) => ({ params: { skuId: String(w.skuId) }, body: { delta: 1, reason: "access matrix", locationId: Math.min(...(await stockAt(w.skuId)).keys()) } }),
  },
  "GET /api/admin/stock": { expect: adminOnly(200) },
  "GET /api/admin/drops/[skuId]/queue": { expect: adminOnly(200), prepare: async () => ({ params: { skuId: String(await aQueuedSku()) } }) },
  "GET /api/drops/[skuId]/challenge": { expect: all(200), prepare: async () => ({ params: { skuId: String(await aQueuedSku()) } }) },
  "POST /api/drops/[skuId]/queue": {
    expect: userOnly(201),
    prepare: async () => {
      const skuId = await aQueuedSku();
      return { params: { skuId: String(skuId) }, body: { challengeSolution: await solvedFor(skuId) } };
    },
  },
  "GET /api/drops/[skuId]/queue/status": { expect: all(200), prepare: async () => ({ params: { skuId: String(await aQueuedSku()) } }) },
  "GET /api/drops/[skuId]/queue/me": { expect: userOnly(200), prepare: async () => ({ params: { skuId: String(await aQueuedSku()) } }) },
  "GET /api/admin/drops/[skuId]/live": { expect: adminOnly(200), prepare: async (w) => ({ params: { skuId: String(w.skuId) } }) },
  "GET /api/admin/drops": { expect: adminOnly(200) },
  "GET /api/admin/drops/[skuId]/report": { expect: adminOnly(200), prepare: async (w) => ({ params: { skuId: String(w.skuId) } }) },
  "GET /api/admin/drops/[skuId]/report.csv": { expect: adminOnly(200), prepare: async (w) => ({ params: { skuId: String(w.skuId) } }) },
  "POST /api/admin/stock/[skuId]/transfers": {
    expect: adminOnly(201),
    prepare: async (w) => {
      const [from, to] = await twoLocationsFor(w.skuId);
      return { params: { skuId: String(w.skuId) }, body: { fromLocationId: from, toLocationId: to, count: 1, reason: "access matrix" } };
    },
  },
  "GET /api/admin/locations": { expect: adminOnly(200) },
  "GET /api/admin/products": { expect: adminOnly(200), prepare: async () => ({ query: "?status=active&q=matrix" }) },
  "POST /api/admin/products": { expect: adminOnly(201), prepare: async () => ({ body: { name: uid("Matrix product "), description: "", category: "Matrix" } }) },
  "GET /api/admin/products/[spuId]": { expect: adminOnly(200), prepare: async (w) => ({ params: { spuId: await spuOf(w) } }) },
  "PUT /api/admin/products/[spuId]": { expect: adminOnly(200), prepare: async (w) => ({ params: { spuId: await spuOf(w) }, body: { category: "Test" } }) },
  "POST /api/admin/products/[spuId]/skus": { expect: adminOnly(201), prepare: async (w) => ({ params: { spuId: await spuOf(w) }, body: { name: uid("Matrix "), price: "1.00" } }) },
  // Created active, so deactivated again by the file's afterAll.
  "POST /api/admin/locations": { expect: adminOnly(201), prepare: async () => ({ body: { name: uid("Matrix "), priority: 9 } }) },
  "PUT /api/admin/locations/[locationId]": {
    expect: adminOnly(200),
    prepare: async () => ({ params: { locationId: String(await makeLocation(9, { active: false })) }, body: { priority: 8 } }),
  },
  "POST /api/admin/products/[spuId]/images": {
    expect: adminOnly(201),
    prepare: async (w) => ({ params: { spuId: await spuOf(w) }, form: uploadForm(await picture("png", 64, 48), "matrix.png", "image/png") }),
  },
  "PUT /api/admin/products/[spuId]/images": {
    expect: adminOnly(200),
    prepare: async (w) => {
      const { spuId } = await aPicture(w);
      const ids = (await getPool().query(`SELECT id FROM product_images WHERE spu_id = ? ORDER BY position, id`, [spuId]))[0] as { id: number }[];
      return { params: { spuId }, body: { order: ids.map((r) => r.id).reverse() } };
    },
  },
  "DELETE /api/admin/products/[spuId]/images/[imageId]": { expect: adminOnly(204), prepare: async (w) => ({ params: await aPicture(w) }) },
  "POST /api/auth/login": {
    expect: all(200),
    prepare: async (w, caller) => {
      const username = uid("mlogin");
      await register({ username, password: "password123" });
      return { body: { username, password: "password123" }, cookie: await throwawayCookie(w, caller) };
    },
  },
  "POST /api/auth/logout": { expect: all(204), prepare: async (w, caller) => ({ cookie: await throwawayCookie(w, caller) }) },
  "POST /api/auth/register": {
    expect: all(201),
    prepare: async (w, caller) => ({ body: { username: uid("mreg"), password: "password123" }, cookie: await throwawayCookie(w, caller) }),
  },
  // Benchmark-only routes do not exist unless BENCH_METRICS=1.
  "POST /api/bench/noop": { expect: all(404) },
  "POST /api/bench/wait": { expect: all(404) },
  "GET /api/cart": { expect: all(200) },
  "POST /api/cart/items": { expect: all(201), prepare: async (w) => ({ body: { skuId: w.skuId, count: 1 } }) },
  // A fresh guest has no line to change; users get one first.
  "PUT /api/cart/items/[skuId]": {
    expect: { anonymous: 404, shopper: 200, other: 200, admin: 200 },
    prepare: async (w, caller) => {
      const user = userOf(w, caller);
      if (user) await fillCart(user, [{ skuId: w.skuId, count: 1 }]);
      return { params: { skuId: String(w.skuId) }, body: { count: 2 } };
    },
  },
  "DELETE /api/cart/items/[skuId]": {
    expect: { anonymous: 404, shopper: 200, other: 200, admin: 200 },
    prepare: async (w, caller) => {
      const user = userOf(w, caller);
      if (user) await fillCart(user, [{ skuId: w.skuId, count: 1 }]);
      return { params: { skuId: String(w.skuId) } };
    },
  },
  "PUT /api/cart/selection": { expect: all(200), prepare: async () => ({ body: { selected: true } }) },
  "GET /api/health": { expect: all(200) },
  "GET /api/health/ready": { expect: all(200) },
  // Off unless METRICS_TOKEN is set (tests/metrics.test.ts covers it on); session cookies never open it.
  "GET /api/metrics": { expect: all(404) },
  // A guest gets { user: null }, not a 401 (no error in every guest page's console).
  "GET /api/me": { expect: all(200) },
  // Anyone may ask to be told, and anyone holding the signed link may unsubscribe: the token is the proof.
  "POST /api/stock-alerts": { expect: all(201), prepare: async () => ({ body: { skuId: (await makeSkus([0]))[0], email: `${uid("m")}@example.com` } }) },
  "DELETE /api/stock-alerts/[token]": { expect: all(204), prepare: async () => ({ params: { token: await anAlertToken() } }) },
  "POST /api/orders/[orderId]/cancel": { expect: ownerOnly(200), prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "online") } }) },
  "POST /api/orders/[orderId]/pay": { expect: ownerOnly(200), prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "online") } }) },
  "GET /api/orders/[orderId]": { expect: ownerOnly(200), prepare: async (w) => ({ params: { orderId: await shopperOrder(w, "cod") } }) },
  "GET /api/orders": { expect: userOnly(200) },
  "POST /api/orders": {
    expect: userOnly(201),
    prepare: async (w, caller) => {
      const user = userOf(w, caller);
      if (user) await fillCart(user, [{ skuId: w.skuId, count: 1 }]);
      return { body: { addressId: user?.addressId ?? 1, payMethod: "cod" }, headers: { "idempotency-key": uid("matrix-key-") } };
    },
  },
  "GET /api/products": { expect: all(200) },
  "GET /api/stock/[skus]": { expect: all(200), prepare: async (w) => ({ params: { skus: String(w.skuId) } }) },
};

const API_DIR = path.resolve(import.meta.dirname, "../app/api");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function routeFiles(dir = API_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

/** A route file's URL pattern, e.g. `/api/orders/[orderId]`. */
const urlPatternOf = (file: string) => `/api/${path.relative(API_DIR, path.dirname(file)).split(path.sep).join("/")}`;

type Handler = (req: ReturnType<typeof request>, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function discoverRoutes() {
  const found: { key: string; urlPattern: string; handler: Handler }[] = [];
  for (const file of routeFiles()) {
    const urlPattern = urlPatternOf(file);
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      if (typeof mod[method] === "function") found.push({ key: `${method} ${urlPattern}`, urlPattern, handler: mod[method] as Handler });
    }
  }
  return found;
}

describe("access matrix: every API route as anonymous, shopper, another shopper and admin", () => {
  let routes: Awaited<ReturnType<typeof discoverRoutes>>;
  let world: World;

  beforeAll(async () => {
    routes = await discoverRoutes();
    const [skuId] = await makeSkus([10_000]);
    world = { shopper: await makeShopper(), other: await makeShopper(), admin: await makeShopper("admin"), skuId: skuId! };
  });

  // The locations POST made hold no stock: deactivated, they leave the shop one active location.
  afterAll(() => getPool().query("UPDATE locations SET active = 0 WHERE name LIKE 'Matrix %'"));

  it("has an entry for every route handler, and no stale entries", () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map((r) => r.key).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  // An API answer depends on its request. Left to "auto", Next also wraps every request in a
  // Proxy that records, for static rendering, each read of its headers, cookies, body and URL.
  it("renders every route per request, but the live stock the page cache keeps for a second", async () => {
    const modes = await Promise.all(
      routeFiles().map(async (file) => [urlPatternOf(file), ((await import(file)) as { dynamic?: string }).dynamic]),
    );
    expect(Object.fromEntries(modes)).toEqual(Object.fromEntries(modes.map(([url]) => [url, url === "/api/stock/[skus]" ? "force-static" : "force-dynamic"])));
  });

  it("answers each caller with the expected status and the error shape", async () => {
    const got: Record<string, Record<Caller, number>> = {};
    const badShapes: string[] = [];
    for (const { key, urlPattern, handler } of routes) {
      const entry = MATRIX[key];
      if (!entry) continue;
      const method = key.split(" ")[0]!;
      got[key] = {} as Record<Caller, number>;
      for (const caller of CALLERS) {
        const call = (await entry.prepare?.(world, caller)) ?? {};
        const params = call.params ?? {};
        const url = urlPattern.replace(/\[(\w+)\]/g, (_, name: string) => params[name] ?? "x") + (call.query ?? "");
        const cookie = call.cookie === undefined ? userOf(world, caller)?.cookie : (call.cookie ?? undefined);
        const req = call.form
          ? new NextRequest(new URL(url, "http://localhost"), { method, body: call.form, headers: cookie ? { cookie } : {} })
          : request(url, { method, body: call.body, cookie, headers: call.headers });
        const res = await handler(req, { params: Promise.resolve(params) });
        got[key][caller] = res.status;
        if (res.status >= 400) {
          const body = await res.json().catch(() => null);
          if (typeof body?.error?.code !== "string" || typeof body?.error?.message !== "string") badShapes.push(`${key} as ${caller}`);
        }
      }
    }
    expect(got).toEqual(Object.fromEntries(Object.entries(MATRIX).map(([k, e]) => [k, e.expect])));
    expect(badShapes).toEqual([]);
  });
});
