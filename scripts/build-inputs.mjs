// Prints one hash of everything a `next build` reads, so `npm run demo` rebuilds only when it
// changed (scripts/demo.sh keeps the hash in the build folder). The files: every tracked or new,
// not ignored file of the checkout (`git ls-files`; without git, a walk of the tree), minus the
// folders no build reads (docs, tests, e2e, bench, scripts, CI) and Markdown; plus the .env files
// Next.js loads, the Node.js version and the variables the build bakes in. A folder someone adds
// later counts by default: a needless rebuild is cheap next to a stale one.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const NOT_BUILT = /^(docs|tests|e2e|bench|scripts|\.ci|artifacts|dist|node_modules|\.git|\.demo|\.front|\.next[^/]*|test-results|playwright-report)\/|\.md$|\.test\.tsx?$|^(playwright|vitest[^/]*)\.config\.ts$/;
const BAKED_IN = /^(NODE_ENV|NEXT_DIST_DIR|NEXT_SERVER_ACTIONS_ENCRYPTION_KEY|NEXT_PUBLIC_.*)$/;

function listFiles() {
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return out.split("\0").filter(Boolean);
  } catch {
    const files = [];
    const walk = (dir) => {
      for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!NOT_BUILT.test(`${rel}/`)) walk(rel);
        } else if (entry.isFile()) files.push(rel);
      }
    };
    walk("");
    return files;
  }
}

const envFiles = readdirSync(root).filter((f) => /^\.env(\..+)?$/.test(f) && f !== ".env.example");
const files = [...new Set([...listFiles(), ...envFiles])].filter((f) => !NOT_BUILT.test(f)).sort();

const hash = createHash("sha256");
for (const file of files) {
  const full = path.join(root, file);
  // A tracked file deleted in the working tree is absent from the build too.
  if (!existsSync(full) || !statSync(full).isFile()) continue;
  hash.update(`${file}\0`).update(readFileSync(full)).update("\0");
}
hash.update(`node ${process.version}\0`);
for (const key of Object.keys(process.env).filter((k) => BAKED_IN.test(k)).sort()) hash.update(`${key}=${process.env[key]}\0`);
console.log(hash.digest("hex"));
