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

async function counts() {
  const c = await mysql.createConnection(scratchUrl);
  try {
    const [[{ spus }]] = (await c.query("SELECT COUNT(*) AS spus FROM spus")) as unknown as [[{ spus: number }]];
    const [[{ admins }]] = (await c.query("SELECT COUNT(*) AS admins FROM users WHERE role = 'admin'")) as unknown as [[{ admins: number }]];
    return { spus: Number(spus), admins: Number(admins) };
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
  // The seed hashes two passwords and inserts rows; it signs no session, so it must not demand the
  // SESSION_SECRET that only the server needs.
  it("seeds a fresh database with NODE_ENV=production and no SESSION_SECRET", async () => {
    await recreateDatabase(scratchUrl);
    const { SESSION_SECRET: _secret, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = { ...inherited, NODE_ENV: "production", DATABASE_URL: scratchUrl };

    // What `npm run db:seed` runs (package.json), as scripts/prod-install-check.sh does.
    const run = await promisify(execFile)(process.execPath, ["scripts/db.mjs", "seed"], { cwd: root, env, timeout: 60_000 }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` }),
    );

    expect(run, run.output).toMatchObject({ code: 0 });
    expect(await counts()).toEqual({ spus: 7, admins: 1 });
  });
});
