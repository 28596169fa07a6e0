import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { recreateDatabase } from "@/db/migrate";

const root = path.resolve(import.meta.dirname, "..");
// A scratch database of its own next to the test database: the seed must not touch the shared one.
const scratchUrl = (() => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_seedprod`;
  return url.toString();
})();

/** What `npm run db:seed` runs (package.json), as scripts/prod-install-check.sh does: production, no SESSION_SECRET. */
function runSeed(extra: Record<string, string>) {
  // The seed hashes passwords and inserts rows; it signs no session, so it must not demand the
  // SESSION_SECRET that only the server needs. And nothing inherited may choose its mode.
  const { SESSION_SECRET: _secret, ADMIN_PASSWORD: _password, ADMIN_USERNAME: _username, SEED_DEMO: _demo, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, NODE_ENV: "production", DATABASE_URL: scratchUrl, ...extra };
  return promisify(execFile)(process.execPath, ["scripts/db.mjs", "seed"], { cwd: root, env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` }),
  );
}

async function contents() {
  const c = await mysql.createConnection(scratchUrl);
  try {
    const [[{ spus }]] = (await c.query("SELECT COUNT(*) AS spus FROM spus")) as unknown as [[{ spus: number }]];
    const [users] = (await c.query("SELECT username, role FROM users ORDER BY username")) as unknown as [{ username: string; role: string }[]];
    return { spus: Number(spus), users: users.map((u) => `${u.username}:${u.role}`) };
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  const server = new URL(scratchUrl);
  const database = server.pathname.slice(1);
  server.pathname = "/";
  const c = await mysql.createConnection(server.toString());
  await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await c.end();
});

describe("npm run db:seed in production", () => {
  it("refuses without ADMIN_PASSWORD, says why, exits non-zero and writes nothing", async () => {
    await recreateDatabase(scratchUrl);
    const run = await runSeed({});
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain("Seed refused: ADMIN_PASSWORD is not set");
    expect(await contents()).toEqual({ spus: 0, users: [] });
  });

  it("refuses a published demo password as ADMIN_PASSWORD", async () => {
    const run = await runSeed({ ADMIN_PASSWORD: "admin12345" });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain("one of the demo's published passwords");
    expect(await contents()).toEqual({ spus: 0, users: [] });
  });

  it("makes the first admin and nothing else (no catalog, no demo shopper), and is safe to rerun", async () => {
    const first = await runSeed({ ADMIN_USERNAME: "owner", ADMIN_PASSWORD: "owner-secret-1" });
    expect(first, first.output).toMatchObject({ code: 0 });
    expect(first.output).toContain("Created the admin owner");
    // A rerun with another password leaves the admin as it is: resetting is admin:create's job.
    const again = await runSeed({ ADMIN_USERNAME: "owner", ADMIN_PASSWORD: "owner-secret-2" });
    expect(again, again.output).toMatchObject({ code: 0 });
    expect(again.output).toContain("already exists and was left as it is");
    expect(await contents()).toEqual({ spus: 0, users: ["owner:admin"] });
  });

  it("seeds the demo catalog and its logins only with SEED_DEMO=1, and a production seed then refuses to call the shop safe", async () => {
    const demo = await runSeed({ SEED_DEMO: "1" });
    expect(demo, demo.output).toMatchObject({ code: 0 });
    expect(demo.output).toContain("The drop: Nebula Watch Limited Drop, Numbered edition");
    expect(await contents()).toEqual({ spus: 7, users: ["admin:admin", "demo:shopper", "owner:admin"] });

    const production = await runSeed({ ADMIN_USERNAME: "owner", ADMIN_PASSWORD: "owner-secret-1" });
    expect(production.code, production.output).toBe(1);
    expect(production.output).toMatch(/the account (admin|demo) still has the demo's published password/);
  });
});
