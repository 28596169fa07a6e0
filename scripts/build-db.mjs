// Compiles the database scripts (db/migrate.ts, scripts/seed.ts, scripts/admin-create.ts) to plain ESM in dist/db/, so a
// production install migrates and seeds without tsx or any other devDependency: everything they
// import from node_modules (drizzle-orm, mysql2, zod) is a dependency and stays external. The
// migrations are copied next to them. Run by `npm run build`.
import { cp, rm } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "dist/db");

await rm(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: [
    { in: "db/migrate.ts", out: "migrate" },
    { in: "scripts/seed.ts", out: "seed" },
    { in: "scripts/admin-create.ts", out: "admin-create" },
  ],
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  tsconfig: "tsconfig.json",
  logLevel: "warning",
});
await cp(path.join(root, "db/migrations"), path.join(out, "migrations"), { recursive: true });
console.log("Compiled db/migrate.ts, scripts/seed.ts and scripts/admin-create.ts to dist/db/");
