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

node scripts/db.mjs migrate
node scripts/db.mjs seed
npx next build

cat <<MSG

  Stockroom is starting on http://localhost:${PORT} (the front, nginx: scripts/front.sh)
  App workers on 127.0.0.1:${APP_PORT}: ${WEB_CONCURRENCY:-one per core} (WEB_CONCURRENCY; 1 runs a single process)

  Demo logins
    shopper  demo / demo12345
    admin    ${ADMIN_USERNAME:-admin} / ${ADMIN_PASSWORD:-admin12345}

MSG
# The front on PORT (static files from disk, public pages micro-cached, limits at the edge)...
FRONT_PORT="$PORT" APP_PORT="$APP_PORT" bash scripts/front.sh &
FRONT_PID=$!
trap 'kill "$FRONT_PID" 2>/dev/null || true' EXIT
# ...in front of a worker per core on one internal port (scripts/start.mjs; WEB_CONCURRENCY sets
# how many), which believes the front's X-Forwarded-For and nobody else's.
# The workers share the kernel's accept queue: with the cluster's round-robin hand-off, a
# connection handed to a worker that dies is held by the primary until the front gives up on it (60 s).
TRUSTED_PROXY_HOPS=1 NODE_CLUSTER_SCHED_POLICY=none PORT="$APP_PORT" node scripts/start.mjs -H 127.0.0.1 -p "$APP_PORT"
