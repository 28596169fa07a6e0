#!/usr/bin/env bash
# One command to run the shop: services, database (created, migrated, seeded with the demo),
# production build (skipped when nothing it reads changed), then the front (nginx) on PORT in front
# of a worker per core. Prints the demo logins, then one line `Ready: http://localhost:PORT` once
# the shop answers through the front. Stops everything, non-zero, if the front or the workers stop.
#
#   npm run demo                                  # PORT=3000, DATABASE_URL=…/stockroom, REDIS_URL=…:6379
#   bash scripts/demo.sh --check-ports            # only the check that its ports are free (tests)
set -euo pipefail
cd "$(dirname "$0")/.."
# Next.js would otherwise send anonymous usage data from every build and server.
export NEXT_TELEMETRY_DISABLED=1

export PORT="${PORT:-3000}"
# The shop's own port, behind the front; only this machine reaches it.
export APP_PORT="${APP_PORT:-$((PORT + 1))}"
# A worker per core (WEB_CONCURRENCY sets how many), each on a port of its own from APP_PORT up.
WORKERS="${WEB_CONCURRENCY:-$(node -p 'require("os").availableParallelism()')}"

# First, before minutes of work: every port the demo will listen on must be free, or it stops here.
PORTS=("front=$PORT")
for ((i = 0; i < WORKERS; i++)); do PORTS+=("worker=$((APP_PORT + i))"); done
node scripts/ports-free.mjs "${PORTS[@]}"
[ "${1:-}" = --check-ports ] && exit 0

[ -d node_modules ] || npm ci
bash scripts/services.sh

mkdir -p .demo
# A stable secret across restarts keeps everyone signed in; it never leaves this machine.
[ -s .demo/session-secret ] || node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))' > .demo/session-secret
export SESSION_SECRET="${SESSION_SECRET:-$(cat .demo/session-secret)}"
export DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/stockroom}"
export NODE_ENV=production

node scripts/db.mjs migrate
# The demo catalog, its limited drop and its known logins: only the demo and the tests seed these.
SEED_DEMO=1 node scripts/db.mjs seed

# The build is kept with a hash of what it read (scripts/build-inputs.mjs); the same hash, no build.
DIST="${NEXT_DIST_DIR:-.next}"
INPUTS="$(node scripts/build-inputs.mjs)"
if [ -s "$DIST/BUILD_ID" ] && [ "$(cat "$DIST/.build-inputs" 2>/dev/null)" = "$INPUTS" ]; then
  echo "Build: nothing changed since the last one ($DIST, build $(cat "$DIST/BUILD_ID")); not rebuilding"
else
  rm -f "$DIST/.build-inputs"
  npx next build
  echo "$INPUTS" > "$DIST/.build-inputs"
fi

cat <<MSG

  Stockroom is starting on http://localhost:${PORT} (the front, nginx: scripts/front.sh)
  App workers: ${WORKERS} on 127.0.0.1:${APP_PORT}-$((APP_PORT + WORKERS - 1)) (WEB_CONCURRENCY; 1 runs a single process)

  Demo logins
    shopper  demo / demo12345
    admin    ${ADMIN_USERNAME:-admin} / ${ADMIN_PASSWORD:-admin12345}

  The drop: the console's drop view at http://localhost:${PORT}/admin/drops (log in as admin)

MSG

FRONT_PID= APP_PID=
stop_all() {
  trap - EXIT INT TERM
  # The workers drain (in-flight checkouts finish); nginx stops at once.
  kill -TERM ${APP_PID:+"$APP_PID"} ${FRONT_PID:+"$FRONT_PID"} 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

# What nginx logs from now on (its log keeps earlier runs' lines).
FRONT_LOG="${FRONT_DIR:-.front/$PORT}/error.log"
LOG_FROM="$(stat -c %s "$FRONT_LOG" 2>/dev/null || echo 0)"
# The front on PORT (static files from disk, public pages micro-cached, limits at the edge)...
FRONT_PORT="$PORT" APP_PORT="$APP_PORT" APP_WORKERS="$WORKERS" bash scripts/front.sh &
FRONT_PID=$!
# ...in front of the workers (scripts/start.mjs), which believe the front's X-Forwarded-For and
# nobody else's. A port per worker: a dead worker's port refuses, and the front sends its
# requests to another worker instead of waiting on it.
WEB_CONCURRENCY="$WORKERS" PORT_PER_WORKER=1 TRUSTED_PROXY_HOPS=1 PORT="$APP_PORT" node scripts/start.mjs -H 127.0.0.1 -p "$APP_PORT" &
APP_PID=$!

# Ready once this shop answers through the front: ready, its own build (not another program's
# answer on the port), and the catalog page itself; and the front still up after all that.
node --input-type=module -e '
  const [base, buildId, ...pids] = process.argv.slice(1);
  const alive = () => pids.every((pid) => { try { process.kill(Number(pid), 0); return true; } catch { return false; } });
  const get = (path) => fetch(base + path, { signal: AbortSignal.timeout(10_000) });
  const ours = async () => (await get("/api/health/ready")).ok && (await (await get("/api/health")).json()).buildId === buildId && (await get("/")).ok;
  while (alive()) {
    if (await ours().catch(() => false) && alive()) process.exit(0);
    await new Promise((r) => setTimeout(r, 500));
  }
  process.exit(1);
' "http://127.0.0.1:$PORT" "$(cat "$DIST/BUILD_ID")" "$FRONT_PID" "$APP_PID" && echo "Ready: http://localhost:$PORT"

# Runs until one of the two stops (Ctrl-C stops both); then the other is stopped too.
while kill -0 "$FRONT_PID" 2>/dev/null && kill -0 "$APP_PID" 2>/dev/null; do sleep 1; done
if ! kill -0 "$FRONT_PID" 2>/dev/null; then
  wait "$FRONT_PID" && code=0 || code=$?
  if tail -c "+$((LOG_FROM + 1))" "$FRONT_LOG" 2>/dev/null | grep -q 'bind() to .* failed'; then
    echo "The front (nginx) could not listen on port $PORT: another program took it after the check. Stopping the workers; stop that program or choose another port (PORT=3100 npm run demo)." >&2
  else
    echo "The front (nginx) on port $PORT stopped (exit $code), see above and $FRONT_LOG; stopping the workers." >&2
  fi
else
  wait "$APP_PID" && code=0 || code=$?
  echo "The app workers stopped (exit $code); stopping the front." >&2
fi
exit $((code == 0 ? 1 : code))
