import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DELETE as deleteRoute, PUT as putRoute } from "@/app/api/addresses/[addressId]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/addresses/route";
import { getDb } from "@/db";
import { orders } from "@/db/schema";
import { placeOrder } from "@/lib/orders/checkout";
import { ctx, fillCart, makeShopper, makeSkus, noCtx, request, type Shopper } from "./support/fixtures";

const HOME = { name: "Ann Lee", email: "ann@example.com", phone: "+1 555 0101", line1: "2 Oak Ave", city: "Portland", region: "OR", postcode: "97201", country: "US" };

const create = async (u: Shopper, body: unknown) => createRoute(request("/api/addresses", { method: "POST", cookie: u.cookie, body }), noCtx);
const put = (u: Shopper, id: number, body: unknown) => putRoute(request(`/api/addresses/${id}`, { method: "PUT", cookie: u.cookie, body }), ctx({ addressId: String(id) }));
const del = (u: Shopper, id: number) => deleteRoute(request(`/api/addresses/${id}`, { method: "DELETE", cookie: u.cookie }), ctx({ addressId: String(id) }));
const list = async (u: Shopper) => (await (await listRoute(request("/api/addresses", { cookie: u.cookie }), noCtx)).json()).addresses as { id: number; isDefault: boolean; line1: string }[];

describe("editing, removing and choosing the default address through the API", () => {
  it("edits the fields a PUT names, validates the whole result, and never touches someone else's", async () => {
    const u = await makeShopper();
    const other = await makeShopper();
    const { address } = await (await create(u, HOME)).json();
    const edited = await put(u, address.id, { line1: "9 New Road", line2: "Apt 4" });
    expect(edited.status).toBe(200);
    expect((await edited.json()).address).toMatchObject({ ...HOME, line1: "9 New Road", line2: "Apt 4" });
    // A country with postcodes still needs one: the merged address is what is validated.
    const bad = await put(u, address.id, { country: "DE", postcode: "" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fieldErrors).toHaveProperty("postcode");
    // Hong Kong has none: the same change passes there.
    expect((await (await put(u, address.id, { country: "HK", postcode: "" })).json()).address).toMatchObject({ country: "HK", postcode: "" });
    expect((await put(other, address.id, { line1: "Stolen" })).status).toBe(404);
    expect((await del(other, address.id)).status).toBe(404);
    expect((await put(u, 999_999_999, { line1: "x" })).status).toBe(404);
    expect((await put(u, address.id, { isDefault: false })).status).toBe(400);
    expect((await list(u)).find((a) => a.id === address.id)?.line1).toBe("9 New Road");
  });

  it("keeps exactly one default: the first address, then whichever is made default, then the newest when the default is removed", async () => {
    const u = await makeShopper(); // has the fixture's address, already the default
    const [fixture] = await list(u);
    const a = (await (await create(u, HOME)).json()).address;
    const b = (await (await create(u, { ...HOME, line1: "3 Elm St", isDefault: true })).json()).address;
    expect(a.isDefault).toBe(false);
    expect(b.isDefault).toBe(true);
    const defaults = async () => (await list(u)).filter((x) => x.isDefault).map((x) => x.id);
    expect(await defaults()).toEqual([b.id]);
    // Two tabs each making another one the default: exactly one wins.
    await Promise.all([put(u, a.id, { isDefault: true }), put(u, fixture!.id, { isDefault: true })]);
    expect(await defaults()).toHaveLength(1);
    expect((await put(u, a.id, { isDefault: true })).status).toBe(200);
    expect((await list(u))[0]).toMatchObject({ id: a.id, isDefault: true });
    const removed = await del(u, a.id);
    expect(removed.status).toBe(204);
    expect(await defaults()).toEqual([b.id]);
    expect((await list(u)).map((x) => x.id)).not.toContain(a.id);
    expect((await del(u, a.id)).status).toBe(404);
  });

  it("never changes a placed order: its ship-to is a copy", async () => {
    const u = await makeShopper();
    const [skuId] = await makeSkus([5]);
    await fillCart(u, [{ skuId: skuId!, count: 1 }]);
    const { order } = await placeOrder({ userId: u.id, addressId: u.addressId, payMethod: "cod", idempotencyKey: randomUUID() });
    expect((await put(u, u.addressId, { name: "Someone Else", line1: "Elsewhere 1" })).status).toBe(200);
    expect((await del(u, u.addressId)).status).toBe(204);
    const [row] = await getDb().select().from(orders).where(eq(orders.id, order.orderId));
    expect(row).toMatchObject({ shipName: "Test Buyer", shipLine1: "1 Test Street", shipCity: "Portland", shipCountry: "US" });
  });

  it("needs a session", async () => {
    const anon = await putRoute(request("/api/addresses/1", { method: "PUT", body: { line1: "x" } }), ctx({ addressId: "1" }));
    expect(anon.status).toBe(401);
  });
});
