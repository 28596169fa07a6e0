import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { sessions, users } from "@/db/schema";
import { createOrResetAdmin } from "@/lib/auth/admin-account";
import { logIn, register } from "@/lib/auth/service";
import { uid } from "./support/fixtures";

const root = path.resolve(import.meta.dirname, "..");

/** What `npm run admin:create -- USERNAME` runs, on the test database, its stdin a pipe (no terminal). */
function adminCreate(args: string[], extra: Record<string, string> = {}) {
  const { ADMIN_PASSWORD: _password, ADMIN_USERNAME: _username, SESSION_SECRET: _secret, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, NODE_ENV: "production", ...extra };
  return promisify(execFile)(process.execPath, ["scripts/db.mjs", "admin-create", ...args], { cwd: root, env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` }),
  );
}

const userRow = async (username: string) => (await getDb().select().from(users).where(eq(users.username, username)))[0];

describe("npm run admin:create", () => {
  it("creates an admin who logs in through the auth service, then resets its password and ends its sessions", async () => {
    const username = uid("owner");
    const created = await adminCreate([username], { ADMIN_PASSWORD: "first-password" });
    expect(created, created.output).toMatchObject({ code: 0 });
    expect(created.output).toContain(`Created the admin ${username}`);

    const { user, session } = await logIn(username, "first-password", undefined, null);
    expect(user).toMatchObject({ username, role: "admin" });

    const reset = await adminCreate([username], { ADMIN_PASSWORD: "second-password" });
    expect(reset, reset.output).toMatchObject({ code: 0 });
    expect(reset.output).toContain(`Reset the password of the admin ${username}; 1 session(s) ended`);
    expect(await getDb().select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect(session.token).toBeTruthy();

    await expect(logIn(username, "first-password", undefined, null)).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect((await logIn(username, "second-password", undefined, null)).user).toMatchObject({ id: user.id, role: "admin" });
  });

  it("takes the username from ADMIN_USERNAME when no argument names one", async () => {
    const username = uid("envadm");
    const run = await adminCreate([], { ADMIN_USERNAME: username, ADMIN_PASSWORD: "from-the-env-1" });
    expect(run, run.output).toMatchObject({ code: 0 });
    expect((await userRow(username))?.role).toBe("admin");
  });

  it("refuses a password under the app's minimum, a published one, and none at all without a terminal; nothing is written", async () => {
    const username = uid("refused");
    const short = await adminCreate([username], { ADMIN_PASSWORD: "short7!" });
    expect(short.code, short.output).toBe(1);
    expect(short.output).toContain("admin:create refused: Password must be at least 8 characters.");

    const published = await adminCreate([username], { ADMIN_PASSWORD: "demo12345" });
    expect(published.code, published.output).toBe(1);
    expect(published.output).toContain("one of the demo's published passwords");

    const none = await adminCreate([username]);
    expect(none.code, none.output).toBe(1);
    expect(none.output).toContain("no password: set ADMIN_PASSWORD, or run this in a terminal");

    expect(await userRow(username)).toBeUndefined();
  });

  it("never turns a shopper into an admin", async () => {
    const username = uid("shopper");
    await register({ username, password: "shopper-pass-1" });
    const run = await adminCreate([username], { ADMIN_PASSWORD: "taken-over-1" });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(`${username} is a shopper's username`);
    await expect(createOrResetAdmin({ username, password: "taken-over-1" })).rejects.toMatchObject({ code: "USERNAME_TAKEN" });
    expect((await userRow(username))?.role).toBe("shopper");
    expect((await logIn(username, "shopper-pass-1", undefined, null)).user.role).toBe("shopper");
  });
});
