import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as login } from "@/app/api/auth/login/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { POST as register } from "@/app/api/auth/register/route";
import { GET as me } from "@/app/api/me/route";
import { getDb } from "@/db";
import { sessions, skus, users } from "@/db/schema";
import { makeSkus, noCtx, request, uid } from "./support/fixtures";

const sessionCookie = (res: Response) => {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("stockroom_session="));
  return set?.split(";")[0];
};

describe("accounts through the route handlers", () => {
  it("registers, reads /api/me, logs out and in again", async () => {
    const username = uid("reg");
    const res = await register(request("/api/auth/register", { method: "POST", body: { username, password: "password123", role: "admin" } }), noCtx);
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.user).toMatchObject({ username, role: "shopper" });
    const cookie = sessionCookie(res)!;
    expect(res.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
    expect(res.headers.getSetCookie()[0]).toMatch(/SameSite=lax/i);
    // Beside it, the display-only cookie the header reads before the first paint: readable, and only the role and name.
    const who = res.headers.getSetCookie().find((c) => c.startsWith("stockroom_who="))!;
    expect(who).toMatch(new RegExp(`^stockroom_who=shopper\\.${username};`));
    expect(who).not.toMatch(/HttpOnly/i);

    const meRes = await me(request("/api/me", { cookie }), noCtx);
    expect(meRes.status).toBe(200);
    expect((await meRes.json()).user.username).toBe(username);

    const out = await logout(request("/api/auth/logout", { method: "POST", cookie }), noCtx);
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().find((c) => c.startsWith("stockroom_who="))).toMatch(/^stockroom_who=;.*Expires=Thu, 01 Jan 1970/i);
    // The old cookie no longer works: the session row is gone, and /api/me answers as for a guest.
    const after = await me(request("/api/me", { cookie }), noCtx);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ user: null });

    const again = await login(request("/api/auth/login", { method: "POST", body: { username, password: "password123" } }), noCtx);
    expect(again.status).toBe(200);
    const rotated = sessionCookie(again)!;
    expect(rotated).not.toBe(cookie);
    expect((await me(request("/api/me", { cookie: rotated }), noCtx)).status).toBe(200);
  });

  it("rotates the session on login: the previous one ends", async () => {
    const username = uid("rot");
    const first = sessionCookie(await register(request("/api/auth/register", { method: "POST", body: { username, password: "password123" } }), noCtx))!;
    const second = sessionCookie(await login(request("/api/auth/login", { method: "POST", body: { username, password: "password123" }, cookie: first }), noCtx))!;
    expect(await (await me(request("/api/me", { cookie: first }), noCtx)).json()).toEqual({ user: null });
    expect((await me(request("/api/me", { cookie: second }), noCtx)).status).toBe(200);
  });

  it("answers 401 INVALID_CREDENTIALS for a wrong password or unknown user, and 200 { user: null } for /api/me without a session", async () => {
    const username = uid("cred");
    await register(request("/api/auth/register", { method: "POST", body: { username, password: "password123" } }), noCtx);
    for (const body of [{ username, password: "wrong-password" }, { username: uid("nobody"), password: "password123" }]) {
      const res = await login(request("/api/auth/login", { method: "POST", body }), noCtx);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("INVALID_CREDENTIALS");
    }
    // A guest is not an error: no 401 in every guest page's console.
    const anon = await me(request("/api/me"), noCtx);
    expect(anon.status).toBe(200);
    expect(await anon.json()).toEqual({ user: null });
  });

  it("answers 400 VALIDATION for bad usernames and passwords and creates nothing", async () => {
    const before = await getDb().select({ n: sql<number>`count(*)` }).from(users);
    for (const body of [{ username: "ab", password: "password123" }, { username: uid("v"), password: "short" }, {}, "not json"]) {
      const res = await register(request("/api/auth/register", { method: "POST", body }), noCtx);
      expect(res.status).toBe(400);
      expect(["VALIDATION", "MALFORMED_JSON"]).toContain((await res.json()).error.code);
    }
    const after = await getDb().select({ n: sql<number>`count(*)` }).from(users);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("lets exactly one of 20 concurrent registrations of one username win", async () => {
    const username = uid("race");
    const results = await Promise.all(
      Array.from({ length: 20 }, () => register(request("/api/auth/register", { method: "POST", body: { username, password: "password123" } }), noCtx)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((r) => r.status === 409)) expect((await r.json()).error.code).toBe("USERNAME_TAKEN");
    const rows = await getDb().select().from(users).where(eq(users.username, username));
    expect(rows).toHaveLength(1);
    expect(await getDb().select().from(sessions).where(eq(sessions.userId, rows[0]!.id))).toHaveLength(1);
  });
});

describe("the database as the last line of defence", () => {
  it("refuses to take stock below zero", async () => {
    const [skuId] = await makeSkus([3]);
    await expect(getDb().execute(sql`UPDATE skus SET stock = stock - (stock + 1) WHERE id = ${skuId}`)).rejects.toThrow();
    const [row] = await getDb().select({ stock: skus.stock }).from(skus).where(eq(skus.id, skuId!));
    expect(row!.stock).toBe(3);
  });
});
