#!/usr/bin/env bash
# The production server Playwright starts: its own port, database and Redis database, fresh each run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Next.js would otherwise send anonymous usage data from every build and server.
export NEXT_TELEMETRY_DISABLED=1
: "${DATABASE_URL:?}" "${REDIS_URL:?}" "${PORT:?}"
node scripts/db.mjs migrate --fresh
node scripts/db.mjs seed
node -e 'const R=require("ioredis");const r=new R(process.env.REDIS_URL);r.flushdb().then(()=>r.quit())'
# The production launcher, as `npm start` runs it; WEB_CONCURRENCY (1 unless set) picks the workers.
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-1}"
exec node scripts/start.mjs -p "$PORT"
