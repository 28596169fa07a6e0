#!/usr/bin/env bash
# Every test: type check, lint, one production build, then unit + integration + fault tests
# (vitest, real MariaDB and Redis) and end-to-end (Playwright, Chromium) on their own ports and databases.
set -euo pipefail
cd "$(dirname "$0")/.."
# Next.js would otherwise send anonymous usage data from every build and server.
export NEXT_TELEMETRY_DISABLED=1

[ -d node_modules ] || npm ci
bash scripts/services.sh
# nginx for the front the end-to-end and fault tests run through (installed with apt when root and missing).
FRONT_DIR=artifacts/front-check bash scripts/front.sh --check >/dev/null
CHROMIUM_PATH="$(bash scripts/chromium.sh)"
export CHROMIUM_PATH

echo "== type check and lint (eslint, import rules)"
npx tsc --noEmit
npm run --silent lint

# One production build serves both the fault tests (tests/faults: real `next start` processes
# killed and restarted against throwaway MariaDB/Redis) and the end-to-end tests.
echo "== production build (fault and end-to-end tests)"
export NEXT_DIST_DIR="${NEXT_DIST_DIR:-.next-test}"
# Throwaway secrets the build sees (nothing connects during the build), so the scan below has
# real values to look for in the client bundles.
BUILD_SECRETS=(SESSION_SECRET=build-only-secret-build-only-secret-00
               DATABASE_URL=mysql://root:build-only-db-password@127.0.0.1:3306/stockroom)
env "${BUILD_SECRETS[@]}" NODE_ENV=production npx next build

echo "== no server secret in the client bundles"
env "${BUILD_SECRETS[@]}" npx tsx scripts/check-bundle-secrets.ts

echo "== production install: npm ci --omit=dev in a scratch copy, migrate, seed, npm start"
PRODCHECK_DIST="$NEXT_DIST_DIR" bash scripts/prod-install-check.sh

echo "== unit, integration and fault tests (vitest)"
npx vitest run

echo "== end-to-end tests (Playwright)"
npx playwright test
