import { randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { NextRequest } from "next/server";
import { getDb } from "@/db";
import { addresses, orderLines, orders, skus, spus, users } from "@/db/schema";
import { SESSION_COOKIE, createSession } from "@/lib/auth/session";
import { addLine, userOwner } from "@/lib/cart/store";
import { getRedis } from "@/lib/platform/redis";

export const uid = (prefix = "t") => `${prefix}${randomBytes(5).toString("hex")}`;

// A real hash of "password123" would cost 50 ms per user; fixtures never log in by password.
const FIXTURE_HASH = "scrypt$2$1$1$AAAA$AAAA";

export async function makeUser(role: "shopper" | "admin" = "shopper") {
  const username = uid("u");
  const [row] = await getDb().insert(users).values({ username, passwordHash: FIXTURE_HASH, role }).$returningId();
  const id = row!.id;
  const { token } = await createSession(id);
  const [addr] = await getDb()
    .insert(addresses)
    .values({ userId: id, receiver: "Test Buyer", phone: "+1 555 0100", region: "Test Region", detail: "1 Test Street" })
    .$returningId();
  return { id, username, token, addressId: addr!.id, cookie: `${SESSION_COOKIE}=${token}` };
}
export type TestUser = Awaited<ReturnType<typeof makeUser>>;

/** Many shoppers in three multi-row inserts (users, addresses, sessions) instead of 3n round trips. */
export async function makeUsers(n: number): Promise<TestUser[]> {
  const db = getDb();
  const names = Array.from({ length: n }, () => uid("u"));
  const ids = (await db.insert(users).values(names.map((username) => ({ username, passwordHash: FIXTURE_HASH }))).$returningId()).map((r) => r.id);
  const addrIds = (
    await db
      .insert(addresses)
      .values(ids.map((userId) => ({ userId, receiver: "Test Buyer", phone: "+1 555 0100", region: "Test Region", detail: "1 Test Street" })))
      .$returningId()
  ).map((r) => r.id);
  const tokens = await Promise.all(ids.map((id) => createSession(id)));
  return ids.map((id, i) => ({
    id,
    username: names[i]!,
    token: tokens[i]!.token,
    addressId: addrIds[i]!,
    cookie: `${SESSION_COOKIE}=${tokens[i]!.token}`,
  }));
}

/** A product with SKUs of the given stock, unique per call. */
export async function makeSkus(...stocks: number[]) {
  const db = getDb();
  const [spu] = await db.insert(spus).values({ name: uid("Product "), description: "test", category: "Test" }).$returningId();
  const ids: number[] = [];
  for (const [i, stock] of stocks.entries()) {
    const [row] = await db.insert(skus).values({ spuId: spu!.id, name: `Variant ${i + 1}`, price: `${10 + i}.50`, stock }).$returningId();
    ids.push(row!.id);
  }
  return ids;
}

export async function stockOf(skuId: number) {
  const [row] = await getDb().select({ stock: skus.stock, sales: skus.sales }).from(skus).where(eq(skus.id, skuId));
  return row!;
}

export async function putInCart(user: { id: number }, lines: [skuId: number, count: number][]) {
  for (const [skuId, count] of lines) await addLine(userOwner(user.id), skuId, count);
}

export async function ordersOf(userIds: number[]) {
  if (userIds.length === 0) return [];
  return getDb().select().from(orders).where(inArray(orders.userId, userIds));
}

export async function linesOf(orderIds: string[]) {
  if (orderIds.length === 0) return [];
  return getDb().select().from(orderLines).where(inArray(orderLines.orderId, orderIds));
}

export const redis = () => getRedis();

/** A request as a route handler receives it, optionally signed in. */
export function request(url: string, init: { method?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new NextRequest(new URL(url, "http://localhost"), {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}

export const noCtx = { params: Promise.resolve({}) };
export const ctx = <P extends Record<string, string>>(params: P) => ({ params: Promise.resolve(params) });
