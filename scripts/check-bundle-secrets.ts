/**
 * Fails (exit 1) if a server secret appears in the client bundles of a build: the value of
 * SESSION_SECRET and the password in DATABASE_URL, searched in every file under
 * `<NEXT_DIST_DIR>/static`. Run by scripts/test.sh right after the production build, which is
 * made with known throwaway values so there is something real to look for.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export type Secret = { name: string; value: string };

export function secretsFrom(env: Record<string, string | undefined>): Secret[] {
  const secrets: Secret[] = [];
  if (env.SESSION_SECRET) secrets.push({ name: "SESSION_SECRET", value: env.SESSION_SECRET });
  if (env.DATABASE_URL) {
    const password = decodeURIComponent(new URL(env.DATABASE_URL).password);
    if (password) secrets.push({ name: "DATABASE_URL password", value: password });
  }
  return secrets;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

export function scanForSecrets(dir: string, secrets: Secret[]) {
  // A short value would match by accident and a missing one proves nothing.
  const weak = secrets.filter((s) => s.value.length < 8);
  if (weak.length > 0) throw new Error(`secret too short to search for: ${weak.map((s) => s.name).join(", ")}`);
  const files = filesUnder(dir);
  const hits: { file: string; secret: string }[] = [];
  for (const file of files) {
    const text = readFileSync(file, "latin1");
    for (const s of secrets) if (text.includes(s.value)) hits.push({ file: path.relative(dir, file), secret: s.name });
  }
  return { files: files.length, scripts: files.filter((f) => f.endsWith(".js")).length, hits };
}

function main() {
  const dist = process.env.NEXT_DIST_DIR ?? ".next";
  const dir = path.join(dist, "static");
  const secrets = secretsFrom(process.env);
  if (secrets.length < 2) {
    console.error("check-bundle-secrets: set SESSION_SECRET and a DATABASE_URL with a password (the values the build used)");
    process.exit(1);
  }
  let result: ReturnType<typeof scanForSecrets>;
  try {
    result = scanForSecrets(dir, secrets);
  } catch (e) {
    console.error(`check-bundle-secrets: cannot scan ${dir}: ${(e as Error).message}`);
    process.exit(1);
  }
  if (result.scripts === 0) {
    console.error(`check-bundle-secrets: no .js files under ${dir}; build first`);
    process.exit(1);
  }
  console.log(`check-bundle-secrets: scanned ${result.files} files (${result.scripts} scripts) under ${dir} for ${secrets.map((s) => s.name).join(" and ")}`);
  if (result.hits.length > 0) {
    for (const h of result.hits) console.error(`  ${h.secret} found in ${h.file}`);
    process.exit(1);
  }
  console.log("check-bundle-secrets: no secret found");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
