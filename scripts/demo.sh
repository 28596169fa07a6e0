#!/usr/bin/env bash
# One command to run the shop: services, database (created, migrated, seeded), production build, server.
set -euo pipefail
cd "$(dirname "$0")/.."
# Next.js would otherwise send anonymous usage data from every build and server.
export NEXT_TELEMETRY_DISABLED=1

[ -d node_modules ] || npm ci
bash scripts/services.sh

mkdir -p .demo
# A stable secret across restarts keeps everyone signed in; it never leaves this machine.
[ -s .demo/session-secret ] || node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))' > .demo/session-secret
export SESSION_SECRET="${SESSION_SECRET:-$(cat .demo/session-secret)}"
export DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/stockroom}"
export PORT="${PORT:-3000}"
# The shop's own port, behind the front; only this machine reaches it.
export APP_PORT="${APP_PORT:-$((PORT + 1))}"
export NODE_ENV=production
# A worker per core (WEB_CONCURRENCY sets how many), each on a port of its own from APP_PORT up.
WORKERS="${WEB_CONCURRENCY:-$(node -p 'require("os").availableParallelism()')}"

node scripts/db.mjs migrate
node scripts/db.mjs seed
npx next build

cat <<MSG

  Stockroom is starting on http://localhost:${PORT} (the front, nginx: scripts/front.sh)
  App workers: ${WORKERS} on 127.0.0.1:${APP_PORT}-$((APP_PORT + WORKERS - 1)) (WEB_CONCURRENCY; 1 runs a single process)

  Demo logins
    shopper  demo / demo12345
    admin    ${ADMIN_USERNAME:-admin} / ${ADMIN_PASSWORD:-admin12345}

MSG
# The front on PORT (static files from disk, public pages micro-cached, limits at the edge)...
FRONT_PORT="$PORT" APP_PORT="$APP_PORT" APP_WORKERS="$WORKERS" bash scripts/front.sh &
FRONT_PID=$!
trap 'kill "$FRONT_PID" 2>/dev/null || true' EXIT
# ...in front of the workers (scripts/start.mjs), which believe the front's X-Forwarded-For and
# nobody else's. A port per worker: a dead worker's port refuses, and the front sends its
# requests to another worker instead of waiting on it.
WEB_CONCURRENCY="$WORKERS" PORT_PER_WORKER=1 TRUSTED_PROXY_HOPS=1 PORT="$APP_PORT" node scripts/start.mjs -H 127.0.0.1 -p "$APP_PORT"
