#!/usr/bin/env bash
# The production install, checked: a scratch copy of the working tree installs its dependencies
# only (`npm ci --omit=dev`: no tsx, no TypeScript, no drizzle-kit), then `npm run db:migrate`
# and `npm run db:seed` against a scratch database: refused without ADMIN_PASSWORD, then twice
# with it (safe to rerun), making the first admin and nothing else; `npm run admin:create` makes a
# second admin and resets its password; no account has a published password. When a build folder
# is given (PRODCHECK_DIST, e.g. .next-test), `npm start` serves it and answers /api/health/ready
# and /api/metrics, the demo's logins fail and the admins' own work. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

DB_URL="${PRODCHECK_DATABASE_URL:-mysql://root@127.0.0.1:3306/stockroom_prodcheck}"
REDIS="${PRODCHECK_REDIS_URL:-redis://127.0.0.1:6379/3}"
PORT="${PRODCHECK_PORT:-3190}"
DIST="${PRODCHECK_DIST:-}"

node scripts/build-db.mjs
scratch="$(mktemp -d -t stockroom-prodcheck.XXXXXX)"
server=
cleanup() {
  if [ -n "$server" ]; then kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# What a deployment ships: the sources (tracked and new, not ignored), the compiled db scripts, the build.
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$scratch"
cp -r dist "$scratch/dist"
[ -z "$DIST" ] || { cp -r "$DIST" "$scratch/$DIST"; rm -rf "$scratch/$DIST/cache"; }

cd "$scratch"
echo "-- npm ci --omit=dev in $scratch"
npm ci --omit=dev --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1 || { cat npm-ci.log; exit 1; }
for dev in tsx typescript drizzle-kit vitest esbuild; do
  if [ -e "node_modules/$dev" ]; then echo "node_modules/$dev is installed: the check would not prove anything"; exit 1; fi
done

# The owner's passwords: made up here, as an operator would.
ADMIN_PW="prodcheck-$(node -p 'require("crypto").randomBytes(9).toString("base64url")')"
OWNER_PW="owner-$(node -p 'require("crypto").randomBytes(9).toString("base64url")')"
OWNER_PW2="owner2-$(node -p 'require("crypto").randomBytes(9).toString("base64url")')"
export NODE_ENV=production

echo "-- migrate and seed $DB_URL"
DATABASE_URL="$DB_URL" npm run --silent db:migrate -- --fresh
if out="$(DATABASE_URL="$DB_URL" ADMIN_PASSWORD= npm run --silent db:seed 2>&1)"; then
  echo "$out"; echo "db:seed ran without ADMIN_PASSWORD: it must refuse"; exit 1
fi
echo "$out" | grep -q 'ADMIN_PASSWORD is not set' || { echo "$out"; echo "db:seed without ADMIN_PASSWORD did not say why it refused"; exit 1; }
echo "db:seed without ADMIN_PASSWORD: refused"
DATABASE_URL="$DB_URL" ADMIN_PASSWORD="$ADMIN_PW" npm run --silent db:seed
DATABASE_URL="$DB_URL" ADMIN_PASSWORD="$ADMIN_PW" npm run --silent db:seed
echo "-- admin:create owner, then its password reset"
DATABASE_URL="$DB_URL" ADMIN_PASSWORD="$OWNER_PW" npm run --silent admin:create -- owner </dev/null
DATABASE_URL="$DB_URL" ADMIN_PASSWORD="$OWNER_PW2" npm run --silent admin:create -- owner </dev/null
# Every account, every published password (db/seed.ts KNOWN_PASSWORDS), through the stored scrypt
# parameters (lib/auth/password.ts): none may match. And no catalog, no shopper: only the two admins.
OWNER_PW="$OWNER_PW" DATABASE_URL="$DB_URL" node --input-type=module -e '
  import { scryptSync, timingSafeEqual } from "node:crypto";
  import mysql from "mysql2/promise";
  const known = ["admin12345", "demo12345", process.env.OWNER_PW];
  const c = await mysql.createConnection(process.env.DATABASE_URL);
  const [[{ spus }]] = await c.query("SELECT COUNT(*) AS spus FROM spus");
  const [users] = await c.query("SELECT username, role, password_hash AS hash FROM users ORDER BY username");
  await c.end();
  const accounts = users.map((u) => `${u.username}:${u.role}`).join(",");
  if (Number(spus) !== 0 || accounts !== "admin:admin,owner:admin") { console.error(`expected no products and the admins admin and owner, found ${spus} products and ${accounts}`); process.exit(1); }
  for (const { username, hash } of users) {
    const [, n, r, p, salt, key] = hash.split("$");
    const expected = Buffer.from(key, "base64");
    for (const password of known) {
      const derived = scryptSync(password.normalize("NFKC"), Buffer.from(salt, "base64"), expected.length, { N: +n, r: +r, p: +p, maxmem: 64 << 20 });
      if (timingSafeEqual(derived, expected)) { console.error(`${username} logs in with a known or replaced password`); process.exit(1); }
    }
  }
  console.log(`database ready: no products, admins ${users.map((u) => u.username).join(" and ")}, no known password`);
'

if [ -n "$DIST" ]; then
  echo "-- npm start ($DIST) on :$PORT"
  token=prodcheck-metrics-token-0123456789
  set -m
  DATABASE_URL="$DB_URL" REDIS_URL="$REDIS" NEXT_DIST_DIR="$DIST" SESSION_SECRET=prodcheck-secret-prodcheck-secret-0000 \
    METRICS_TOKEN="$token" SWEEP_INTERVAL=0 LOG_FORMAT=json npm start -- -p "$PORT" -H 127.0.0.1 >server.log 2>&1 &
  server=$!
  set +m
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$PORT/api/health/ready" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat server.log; echo "npm start exited"; exit 1; }
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$PORT/api/health/ready" || { cat server.log; exit 1; }
  echo
  # One health answer: the build it serves, then the pool's size and each worker's checkout batches.
  read -r build_id pool_size batches < <(curl -fsS "http://127.0.0.1:$PORT/api/health" | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const h=JSON.parse(s);console.log(h.buildId,h.pool.size,h.pool.checkoutBatches)})')
  [ "$build_id" = "$(cat "$DIST/BUILD_ID")" ] || { echo "health reports build $build_id, the folder holds $(cat "$DIST/BUILD_ID")"; exit 1; }
  # WEB_CONCURRENCY unset: a worker per core, each running one checkout batch at a time.
  pool="$pool_size $batches"
  want="$(node -p 'require("os").availableParallelism()') 1"
  [ "$pool" = "$want" ] || { echo "health reports pool size and checkout batches '$pool', expected '$want'"; exit 1; }
  curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/metrics" | grep -q '^stockroom_redis_up 1$' || { echo "/api/metrics does not show Redis up"; cat server.log; exit 1; }
  # The cached catalog: the page cache handler is loaded from the shipped sources at run time.
  curl -fsS "http://127.0.0.1:$PORT/" | grep -q 'Stockroom' || { echo "the catalog page did not render"; cat server.log; exit 1; }
  # Zero known-password accounts: the demo's logins fail, the operator's own succeed.
  login() { curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data "{\"username\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$PORT/api/auth/login"; }
  for pair in admin:admin12345 demo:demo12345 owner:"$OWNER_PW"; do
    status="$(login "${pair%%:*}" "${pair#*:}")"
    [ "$status" = 401 ] || { echo "login ${pair%%:*} with a known or replaced password answered $status, not 401"; cat server.log; exit 1; }
  done
  for pair in admin:"$ADMIN_PW" owner:"$OWNER_PW2"; do
    status="$(login "${pair%%:*}" "${pair#*:}")"
    [ "$status" = 200 ] || { echo "login ${pair%%:*} with its own password answered $status, not 200"; cat server.log; exit 1; }
  done
  echo "server ready: build $build_id, metrics answering, catalog served, demo logins refused, the admins' own accepted"
fi
echo "production install: ok"
