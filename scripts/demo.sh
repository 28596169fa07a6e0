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
export NODE_ENV=production

node scripts/db.mjs migrate
node scripts/db.mjs seed
npx next build

cat <<MSG

  Stockroom is starting on http://localhost:${PORT}
  Worker processes: ${WEB_CONCURRENCY:-one per core} (WEB_CONCURRENCY; 1 runs a single process)

  Demo logins
    shopper  demo / demo12345
    admin    ${ADMIN_USERNAME:-admin} / ${ADMIN_PASSWORD:-admin12345}

MSG
# Every core: a worker per core behind one port (scripts/start.mjs; WEB_CONCURRENCY sets how many).
exec node scripts/start.mjs -p "$PORT"
