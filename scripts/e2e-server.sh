#!/usr/bin/env bash
# The production server Playwright starts: its own port, database and Redis database, fresh each run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Next.js would otherwise send anonymous usage data from every build and server.
export NEXT_TELEMETRY_DISABLED=1
: "${DATABASE_URL:?}" "${REDIS_URL:?}" "${PORT:?}"
node scripts/db.mjs migrate --fresh
# The demo catalog and its known logins, which the specs log in with.
SEED_DEMO=1 node scripts/db.mjs seed
node -e 'const R=require("ioredis");const r=new R(process.env.REDIS_URL);r.flushdb().then(()=>r.quit())'
# The shop as production runs it: the front (scripts/front.sh, nginx) on PORT, in front of the
# production launcher on PORT+1, reachable only from this machine and believing the front's
# X-Forwarded-For. WEB_CONCURRENCY (1 unless set) picks the workers.
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-1}"
APP_PORT="${APP_PORT:-$((PORT + 1))}"
FRONT_PORT="$PORT" APP_PORT="$APP_PORT" APP_WORKERS="$WEB_CONCURRENCY" FRONT_DIR=".front/e2e-$PORT" bash scripts/front.sh &
FRONT_PID=$!
trap 'kill "$FRONT_PID" 2>/dev/null || true' EXIT
# A port per worker (APP_PORT up), as the demo runs them.
PORT_PER_WORKER=1 TRUSTED_PROXY_HOPS=1 PORT="$APP_PORT" node scripts/start.mjs -H 127.0.0.1 -p "$APP_PORT"
