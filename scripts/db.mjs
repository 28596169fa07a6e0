// `npm run db:migrate` / `npm run db:seed`: the TypeScript source through tsx when the
// devDependencies are installed (always current while developing), else the copy `npm run build`
// compiled into dist/db/ (a production install after `npm prune --omit=dev`).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [name, ...args] = process.argv.slice(2);
if (name !== "migrate" && name !== "seed") {
  console.error("usage: node scripts/db.mjs migrate|seed [args]");
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
// The seed's entry is a script (it hands the app's password hash to db/seed.ts); migrate is db's own.
const source = name === "seed" ? "scripts/seed.ts" : "db/migrate.ts";
if (hasTsx) argv = ["--import", "tsx", path.join(root, source), ...args];
else if (existsSync(compiled)) argv = [compiled, ...args];
else {
  console.error(`${path.relative(root, compiled)} is missing and tsx is not installed: run \`npm run build\` first.`);
  process.exit(1);
}
const { status, signal } = spawnSync(process.execPath, argv, { cwd: root, stdio: "inherit" });
process.exit(status ?? (signal ? 1 : 0));
