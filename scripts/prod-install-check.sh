#!/usr/bin/env bash
# The production install, checked: a scratch copy of the working tree installs its dependencies
# only (`npm ci --omit=dev`: no tsx, no TypeScript, no drizzle-kit), then `npm run db:migrate`
# and `npm run db:seed` (twice: the seed is safe to rerun) against a scratch database, and, when a
# build folder is given (PRODCHECK_DIST, e.g. .next-test), `npm start` serves it and answers
# /api/health/ready and /api/metrics. Run by scripts/test.sh.
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

echo "-- migrate and seed $DB_URL"
DATABASE_URL="$DB_URL" npm run --silent db:migrate -- --fresh
DATABASE_URL="$DB_URL" npm run --silent db:seed
DATABASE_URL="$DB_URL" npm run --silent db:seed
DATABASE_URL="$DB_URL" node --input-type=module -e '
  import mysql from "mysql2/promise";
  const c = await mysql.createConnection(process.env.DATABASE_URL);
  const [[{ spus }]] = await c.query("SELECT COUNT(*) AS spus FROM spus");
  const [[{ admins }]] = await c.query("SELECT COUNT(*) AS admins FROM users WHERE role = ?", ["admin"]);
  await c.end();
  if (Number(spus) !== 7 || Number(admins) !== 1) { console.error(`expected 7 products and 1 admin, found ${spus} and ${admins}`); process.exit(1); }
  console.log(`database ready: ${spus} products, ${admins} admin`);
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
  build_id="$(curl -fsS "http://127.0.0.1:$PORT/api/health" | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log(JSON.parse(s).buildId))')"
  [ "$build_id" = "$(cat "$DIST/BUILD_ID")" ] || { echo "health reports build $build_id, the folder holds $(cat "$DIST/BUILD_ID")"; exit 1; }
  curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/metrics" | grep -q '^stockroom_redis_up 1$' || { echo "/api/metrics does not show Redis up"; cat server.log; exit 1; }
  # The cached catalog: the page cache handler is loaded from the shipped sources at run time.
  curl -fsS "http://127.0.0.1:$PORT/" | grep -q 'Stockroom' || { echo "the catalog page did not render"; cat server.log; exit 1; }
  echo "server ready: build $build_id, metrics answering, catalog served"
fi
echo "production install: ok"
