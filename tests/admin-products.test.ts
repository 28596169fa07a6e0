import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/admin/products/route";
import { GET as getRoute, PUT as updateRoute } from "@/app/api/admin/products/[spuId]/route";
import { POST as createSkuRoute } from "@/app/api/admin/products/[spuId]/skus/route";
import { PUT as putSku } from "@/app/api/admin/skus/[skuId]/route";
import { getDb, getPool } from "@/db";
import { auditLog, skuLocations, skus, spus, stockAdjustments } from "@/db/schema";
import { listLocations } from "@/lib/admin/locations";
import { ctx, makeLocation, makeShopper, makeSkus, noCtx, request, uid, type Shopper } from "./support/fixtures";

let admin: Shopper;
let shopper: Shopper;
let main: number;
let store: number;
let existing: string;

beforeAll(async () => {
  admin = await makeShopper("admin");
  shopper = await makeShopper("shopper");
  main = (await listLocations()).find((l) => l.active)!.locationId;
  store = await makeLocation(5);
  const [skuId] = await makeSkus([1]);
  const [row] = await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, skuId!));
  existing = String(row!.spuId);
});
// Later files expect the shop's one active location.
afterAll(() => getPool().query("UPDATE locations SET active = 0 WHERE id = ?", [store]));

const create = (body: unknown, cookie = admin.cookie) => createRoute(request("/api/admin/products", { method: "POST", cookie, body }), noCtx);
const update = (spuId: number | string, body: unknown, cookie = admin.cookie) =>
  updateRoute(request(`/api/admin/products/${spuId}`, { method: "PUT", cookie, body }), ctx({ spuId: String(spuId) }));
const addSku = (spuId: number | string, body: unknown, cookie = admin.cookie) =>
  createSkuRoute(request(`/api/admin/products/${spuId}/skus`, { method: "POST", cookie, body }), ctx({ spuId: String(spuId) }));
const list = (query = "", cookie = admin.cookie) => listRoute(request(`/api/admin/products${query}`, { cookie }), noCtx);
const historyOf = (spuId: number) => getDb().select().from(auditLog).where(eq(auditLog.spuId, spuId)).orderBy(auditLog.id);
const productNamed = (name: string) => getDb().select().from(spus).where(eq(spus.name, name));
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; fieldErrors?: Record<string, string[]> } }).error;

async function madeProduct(body: Record<string, unknown> = {}) {
  const res = await create({ name: uid("Product "), description: "Soft.\n\nWarm.", category: "Test", ...body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { product: { spuId: number; name: string; skus: { skuId: number }[] } }).product;
}

describe("the catalog routes are for admins only", () => {
  const ROUTES: { name: string; ok: number; call: (cookie?: string) => Promise<Response> }[] = [
    { name: "GET /api/admin/products", ok: 200, call: (cookie) => listRoute(request("/api/admin/products", { cookie }), noCtx) },
    { name: "POST /api/admin/products", ok: 201, call: (cookie) => createRoute(request("/api/admin/products", { method: "POST", cookie, body: { name: uid("P "), description: "", category: "Test" } }), noCtx) },
    { name: "GET /api/admin/products/:spuId", ok: 200, call: (cookie) => getRoute(request(`/api/admin/products/${existing}`, { cookie }), ctx({ spuId: existing })) },
    { name: "PUT /api/admin/products/:spuId", ok: 200, call: (cookie) => updateRoute(request(`/api/admin/products/${existing}`, { method: "PUT", cookie, body: { category: "Test" } }), ctx({ spuId: existing })) },
    {
      name: "POST /api/admin/products/:spuId/skus",
      ok: 201,
      call: (cookie) => createSkuRoute(request(`/api/admin/products/${existing}/skus`, { method: "POST", cookie, body: { name: uid("V "), price: "5" } }), ctx({ spuId: existing })),
    },
  ];

  it.each(ROUTES)("$name: guest 401, shopper 403, admin $ok", async ({ call, ok }) => {
    const guest = await call();
    expect(guest.status).toBe(401);
    expect((await errorOf(guest)).code).toBe("UNAUTHENTICATED");
    const asShopper = await call(shopper.cookie);
    expect(asShopper.status).toBe(403);
    expect((await errorOf(asShopper)).code).toBe("FORBIDDEN");
    expect((await call(admin.cookie)).status).toBe(ok);
  });

  it("writes nothing for a guest or a shopper", async () => {
    const name = uid("Sneaky ");
    await create({ name, description: "", category: "Test" }, shopper.cookie);
    await create({ name, description: "", category: "Test" }, "");
    expect(await productNamed(name)).toEqual([]);
  });
});

describe("POST /api/admin/products", () => {
  it("creates a draft with its first variants and their initial stock per location, in the ledger and summed into skus.stock", async () => {
    const name = uid("Trail Runner ");
    const res = await create({
      name: `  ${name}  `,
      description: "Light.\r\n\r\nGrippy.",
      category: "Shoes",
      skus: [
        { name: "EU 42", price: "89", compareAtPrice: "120.00", code: uid("TR-"), stock: [{ locationId: main, count: 7 }, { locationId: store, count: 3 }] },
        { name: "EU 43", price: "89.90", perCustomerLimit: 2, saleStartsAt: "2030-01-01T10:00:00+01:00" },
      ],
    });
    expect(res.status).toBe(201);
    const { product } = await res.json();
    expect(product).toMatchObject({ name, description: "Light.\n\nGrippy.", category: "Shoes", status: "draft", images: [] });
    expect(product.skus).toEqual([
      expect.objectContaining({ name: "EU 42", price: "89.00", compareAtPrice: "120.00", stock: 10, onSale: true, perCustomerLimit: null, saleStartsAt: null }),
      expect.objectContaining({ name: "EU 43", price: "89.90", compareAtPrice: null, code: null, stock: 0, perCustomerLimit: 2, saleStartsAt: "2030-01-01T09:00:00.000Z" }),
    ]);
    const [first] = product.skus;
    const ledger = await getDb().select().from(stockAdjustments).where(eq(stockAdjustments.skuId, first.skuId));
    expect(ledger.map((l) => ({ at: l.locationId, delta: l.delta, after: l.stockAfter, reason: l.reason, by: l.adminId }))).toEqual([
      { at: main, delta: 7, after: 7, reason: "initial stock", by: admin.id },
      { at: store, delta: 3, after: 3, reason: "initial stock", by: admin.id },
    ]);
    const places = await getDb().select().from(skuLocations).where(eq(skuLocations.skuId, first.skuId));
    expect(Object.fromEntries(places.map((p) => [p.locationId, p.stock]))).toEqual({ [main]: 7, [store]: 3 });
    const [row] = await getDb().select({ productActive: skus.productActive }).from(skus).where(eq(skus.id, first.skuId));
    expect(row!.productActive).toBe(false);

    const history = await historyOf(product.spuId);
    expect(history.map((h) => [h.entity, h.action, h.actorId])).toEqual([
      ["product", "created", admin.id],
      ["sku", "created", admin.id],
      ["sku", "created", admin.id],
    ]);
    expect(JSON.parse(history[0]!.changes)).toMatchObject({ name, category: "Shoes", status: "draft", skus: 2 });
    expect(JSON.parse(history[1]!.changes)).toMatchObject({ name: "EU 42", price: "89.00", stock: [{ locationId: main, count: 7 }, { locationId: store, count: 3 }] });
  });

  it("creates an active product when told, and it is listed with its variants", async () => {
    const product = await madeProduct({ status: "active", skus: [{ name: "One", price: "1.50" }] });
    const res = await list(`?status=active&q=${encodeURIComponent(product.name)}`);
    const { products } = await res.json();
    expect(products).toHaveLength(1);
    expect(products[0]).toEqual({
      spuId: product.spuId,
      name: product.name,
      description: "Soft.\n\nWarm.",
      category: "Test",
      status: "active",
      hue: expect.any(Number),
      updatedAt: expect.any(String),
      images: [],
      skus: [{ skuId: expect.any(Number), name: "One", code: null, price: "1.50", compareAtPrice: null, stock: 0, onSale: true, perCustomerLimit: null, saleStartsAt: null, waitingRoom: null }],
    });
  });

  it.each([
    [{ description: "", category: "Test" }, "name"],
    [{ name: "", description: "", category: "Test" }, "name"],
    [{ name: "x".repeat(129), description: "", category: "Test" }, "name"],
    [{ name: "P", description: "", category: "" }, "category"],
    [{ name: "P", description: "", category: "c".repeat(65) }, "category"],
    [{ name: "P", description: "d".repeat(5001), category: "Test" }, "description"],
    [{ name: "P", description: "", category: "Test", status: "sold" }, "status"],
    [{ name: "P", description: "", category: "Test", skus: [{ name: "V", price: 10 }] }, "skus"],
    [{ name: "P", description: "", category: "Test", skus: [{ name: "V", price: "10", compareAtPrice: "9.99" }] }, "skus"],
    [{ name: "P", description: "", category: "Test", skus: [{ name: "V", price: "10", stock: [{ locationId: 1, count: -1 }] }] }, "skus"],
    [{ name: "P", description: "", category: "Test", extra: 1 }, undefined],
  ] as [Record<string, unknown>, string | undefined][])("refuses %j with 400 VALIDATION (field %s) and writes nothing", async (body, field) => {
    const name = uid("Invalid ");
    const res = await create({ ...body, ...(body.name === "P" ? { name } : {}) });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("VALIDATION");
    if (field) expect(Object.keys(error.fieldErrors ?? {})).toContain(field);
    expect(await productNamed(name)).toEqual([]);
  });

  it("answers 409 PRODUCT_NAME_TAKEN for a name in use, whatever its case", async () => {
    const name = uid("Taken ");
    await madeProduct({ name });
    const res = await create({ name: name.toUpperCase(), description: "", category: "Test" });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: "PRODUCT_NAME_TAKEN", message: expect.stringContaining(name.toUpperCase()) });
  });

  it("writes nothing when one of the first variants is refused (SKU_CODE_TAKEN, SKU_NAME_TAKEN, LOCATION_NOT_FOUND)", async () => {
    const code = uid("CODE-");
    await madeProduct({ skus: [{ name: "A", price: "1", code }] });
    const cases: [unknown[], number, string][] = [
      [[{ name: "A", price: "1", stock: [{ locationId: main, count: 4 }] }, { name: "B", price: "1", code }], 409, "SKU_CODE_TAKEN"],
      [[{ name: "Same", price: "1", stock: [{ locationId: main, count: 4 }] }, { name: "same", price: "2" }], 409, "SKU_NAME_TAKEN"],
      [[{ name: "A", price: "1", stock: [{ locationId: 987654321, count: 4 }] }], 404, "LOCATION_NOT_FOUND"],
    ];
    for (const [variants, status, code] of cases) {
      const name = uid("Half ");
      const res = await create({ name, description: "", category: "Test", skus: variants });
      expect(res.status).toBe(status);
      expect((await errorOf(res)).code).toBe(code);
      expect(await productNamed(name)).toEqual([]);
    }
    // No stray variant, ledger row or history from the refused attempts.
    const stray = await getDb().select().from(skus).where(inArray(skus.name, ["Same", "same"]));
    expect(stray).toEqual([]);
  });
});

describe("PUT /api/admin/products/:spuId", () => {
  it("edits name, description and category with one audit row of before and after", async () => {
    const product = await madeProduct();
    const name = uid("Renamed ");
    const res = await update(product.spuId, { name, description: "New words.", category: "Shoes" });
    expect(res.status).toBe(200);
    expect((await res.json()).product).toMatchObject({ name, description: "New words.", category: "Shoes", status: "draft" });
    const [, edit] = await historyOf(product.spuId);
    expect(edit).toMatchObject({ entity: "product", entityId: product.spuId, action: "updated", actorId: admin.id });
    expect(JSON.parse(edit!.changes)).toMatchObject({ name: [expect.any(String), name], description: ["Soft.\n\nWarm.", "New words."], category: ["Test", "Shoes"] });
  });

  it("publishes, archives and restores: the variants' copy of the status follows, each move audited", async () => {
    const product = await madeProduct({ skus: [{ name: "A", price: "1" }, { name: "B", price: "2" }] });
    const activeFlags = async () => (await getDb().select({ a: skus.productActive }).from(skus).where(eq(skus.spuId, product.spuId))).map((r) => r.a);
    expect(await activeFlags()).toEqual([false, false]);
    for (const [status, flag] of [["active", true], ["archived", false], ["active", true], ["draft", false]] as const) {
      const res = await update(product.spuId, { status });
      expect(res.status).toBe(200);
      expect((await res.json()).product.status).toBe(status);
      expect(await activeFlags()).toEqual([flag, flag]);
    }
    const history = (await historyOf(product.spuId)).filter((h) => h.entity === "product").map((h) => [h.action, JSON.parse(h.changes).status]);
    expect(history).toEqual([
      ["created", "draft"],
      ["published", ["draft", "active"]],
      ["archived", ["active", "archived"]],
      ["restored", ["archived", "active"]],
      ["unpublished", ["active", "draft"]],
    ]);
  });

  it("writes no history for a change that changes nothing", async () => {
    const product = await madeProduct();
    await update(product.spuId, { category: "Test" });
    expect(await historyOf(product.spuId)).toHaveLength(1);
  });

  it("answers 404 PRODUCT_NOT_FOUND, 409 PRODUCT_NAME_TAKEN, 400 VALIDATION", async () => {
    for (const bad of ["abc", "0", "999999999"]) {
      const res = await update(bad, { category: "X" });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe("PRODUCT_NOT_FOUND");
    }
    const missing = await getRoute(request("/api/admin/products/999999999", { cookie: admin.cookie }), ctx({ spuId: "999999999" }));
    expect((await errorOf(missing)).code).toBe("PRODUCT_NOT_FOUND");
    const a = await madeProduct();
    const b = await madeProduct();
    const [bRow] = await getDb().select().from(spus).where(eq(spus.id, b.spuId));
    const taken = await update(a.spuId, { name: bRow!.name });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).code).toBe("PRODUCT_NAME_TAKEN");
    for (const body of [{}, { status: "gone" }, { name: "" }, { hue: 3 }]) {
      const res = await update(a.spuId, body);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe("VALIDATION");
    }
  });
});

describe("POST /api/admin/products/:spuId/skus", () => {
  it("adds a variant with its drop settings and initial stock, copying the product's status", async () => {
    const product = await madeProduct({ status: "active" });
    const code = uid("SKU-");
    const res = await addSku(product.spuId, { name: "Red", price: "12.5", code, compareAtPrice: "15", perCustomerLimit: 1, saleStartsAt: "2030-06-01T12:00:00Z", stock: [{ locationId: main, count: 5 }] });
    expect(res.status).toBe(201);
    const { sku } = await res.json();
    expect(sku).toEqual({ skuId: expect.any(Number), name: "Red", code, price: "12.50", compareAtPrice: "15.00", stock: 5, onSale: true, perCustomerLimit: 1, saleStartsAt: "2030-06-01T12:00:00.000Z", waitingRoom: null });
    const [row] = await getDb().select().from(skus).where(eq(skus.id, sku.skuId));
    expect(row!.productActive).toBe(true);
    const ledger = await getDb().select().from(stockAdjustments).where(eq(stockAdjustments.skuId, sku.skuId));
    expect(ledger.map((l) => [l.delta, l.reason])).toEqual([[5, "initial stock"]]);
    const created = (await historyOf(product.spuId)).filter((h) => h.entity === "sku");
    expect(created.map((h) => [h.entityId, h.action])).toEqual([[sku.skuId, "created"]]);
  });

  it("answers 404 PRODUCT_NOT_FOUND, 409 SKU_NAME_TAKEN and SKU_CODE_TAKEN, 400 VALIDATION, and writes nothing", async () => {
    const product = await madeProduct({ skus: [{ name: "Blue", price: "1" }] });
    const code = uid("DUP-");
    expect((await addSku(product.spuId, { name: "Green", price: "1", code })).status).toBe(201);
    const cases: [number | string, unknown, number, string][] = [
      [999999999, { name: "X", price: "1" }, 404, "PRODUCT_NOT_FOUND"],
      ["abc", { name: "X", price: "1" }, 404, "PRODUCT_NOT_FOUND"],
      [product.spuId, { name: "blue", price: "1", stock: [{ locationId: main, count: 2 }] }, 409, "SKU_NAME_TAKEN"],
      [product.spuId, { name: "Other", price: "1", code, stock: [{ locationId: main, count: 2 }] }, 409, "SKU_CODE_TAKEN"],
      [product.spuId, { name: "Other", price: "1.234" }, 400, "VALIDATION"],
      [product.spuId, { name: "Other", price: "1", code: "has space" }, 400, "VALIDATION"],
      [product.spuId, { name: "Other", price: "1", perCustomerLimit: 100 }, 400, "VALIDATION"],
      [product.spuId, { name: "Other", price: "1", stock: [{ locationId: main, count: 1 }, { locationId: main, count: 2 }] }, 400, "VALIDATION"],
    ];
    for (const [spuId, body, status, code] of cases) {
      const res = await addSku(spuId, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await errorOf(res)).code).toBe(code);
    }
    const names = (await getDb().select({ name: skus.name }).from(skus).where(eq(skus.spuId, product.spuId))).map((r) => r.name);
    expect(names.sort()).toEqual(["Blue", "Green"]);
  });
});

describe("PUT /api/admin/skus/:skuId: code, compare-at price, and every change audited", () => {
  it("sets code and compare-at price, refuses a taken code (409) or a compare-at not above the price (400), audits each change", async () => {
    const product = await madeProduct({ skus: [{ name: "A", price: "10" }, { name: "B", price: "10" }] });
    const [a, b] = product.skus as [{ skuId: number }, { skuId: number }];
    const put = (skuId: number, body: unknown) => putSku(request(`/api/admin/skus/${skuId}`, { method: "PUT", cookie: admin.cookie, body }), ctx({ skuId: String(skuId) }));
    const code = uid("C-");
    const ok = await put(a.skuId, { code, compareAtPrice: "12" });
    expect(ok.status).toBe(200);
    expect((await ok.json()).sku).toMatchObject({ code, compareAtPrice: "12.00", price: "10.00" });

    const taken = await put(b.skuId, { code });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: "SKU_CODE_TAKEN", message: expect.stringContaining(code) });
    const nameTaken = await put(b.skuId, { name: "A" });
    expect((await errorOf(nameTaken)).code).toBe("SKU_NAME_TAKEN");
    const below = await put(a.skuId, { price: "12" });
    expect(below.status).toBe(400);
    expect((await errorOf(below)).fieldErrors).toHaveProperty("compareAtPrice");

    expect((await put(a.skuId, { price: "9.50" })).status).toBe(200);
    expect((await put(a.skuId, { onSale: false })).status).toBe(200);
    const history = (await historyOf(product.spuId)).filter((h) => h.entity === "sku" && h.entityId === a.skuId);
    expect(history.map((h) => [h.action, JSON.parse(h.changes)])).toEqual([
      ["created", expect.objectContaining({ name: "A" })],
      ["updated", { code: [null, code], compareAtPrice: [null, "12.00"] }],
      ["price changed", { price: ["10.00", "9.50"] }],
      ["on sale switched", { onSale: [true, false] }],
    ]);
    const [row] = await getDb().select().from(skus).where(and(eq(skus.id, b.skuId)));
    expect(row!.code).toBeNull();
  });
});

describe("GET /api/admin/products", () => {
  it("filters by status and by words in names, categories, descriptions and variant codes", async () => {
    const word = uid("zq");
    const draft = await madeProduct({ name: uid(`${word} `) });
    const active = await madeProduct({ status: "active", skus: [{ name: "V", price: "1", code: `${word}-1` }] });
    const archived = await madeProduct({ description: `About ${word}.` });
    await update(archived.spuId, { status: "archived" });
    const ids = async (query: string) => ((await (await list(query)).json()).products as { spuId: number }[]).map((p) => p.spuId).sort((x, y) => x - y);
    expect(await ids(`?q=${word}`)).toEqual([draft.spuId, active.spuId, archived.spuId].sort((x, y) => x - y));
    expect(await ids(`?q=${word}&status=draft`)).toEqual([draft.spuId]);
    expect(await ids(`?q=${word}&status=active`)).toEqual([active.spuId]);
    expect(await ids(`?q=${word}&status=archived`)).toEqual([archived.spuId]);
    expect(await ids(`?q=${word}&status=`)).toHaveLength(3);
    const bad = await list("?status=lost");
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("VALIDATION");
  });
});
