// `npm run db:migrate` / `npm run db:seed` / `npm run admin:create`: the TypeScript source through tsx when the
// devDependencies are installed (always current while developing), else the copy `npm run build`
// compiled into dist/db/ (a production install after `npm prune --omit=dev`).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// Each command's TypeScript entry. The seed's and admin-create's are scripts (they hand the app's
// password hash to the database); migrate is db's own.
const SOURCES = { migrate: "db/migrate.ts", seed: "scripts/seed.ts", "admin-create": "scripts/admin-create.ts" };
const [name, ...args] = process.argv.slice(2);
if (!Object.hasOwn(SOURCES, name ?? "")) {
  console.error(`usage: node scripts/db.mjs ${Object.keys(SOURCES).join("|")} [args]`);
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);
const hasTsx = (() => {
  try {
    require.resolve("tsx");
    return true;
  } catch {
    return false;
  }
})();
const compiled = path.join(root, "dist/db", `${name}.mjs`);
let argv;
const source = SOURCES[name];
if (hasTsx) argv = ["--import", "tsx", path.join(root, source), ...args];
else if (existsSync(compiled)) argv = [compiled, ...args];
else {
  console.error(`${path.relative(root, compiled)} is missing and tsx is not installed: run \`npm run build\` first.`);
  process.exit(1);
}
const { status, signal } = spawnSync(process.execPath, argv, { cwd: root, stdio: "inherit" });
process.exit(status ?? (signal ? 1 : 0));
