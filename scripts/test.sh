#!/usr/bin/env bash
# Every test: unit + integration (vitest, real MariaDB and Redis), then end-to-end (Playwright,
# Chromium) against a production build on its own port and database.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
bash scripts/services.sh
CHROMIUM_PATH="$(bash scripts/chromium.sh)"
export CHROMIUM_PATH

echo "== type check and lint"
npx tsc --noEmit
npx eslint .

echo "== unit and integration tests (vitest)"
npx vitest run

echo "== production build for end-to-end tests"
export NEXT_DIST_DIR="${NEXT_DIST_DIR:-.next-test}"
# Throwaway secrets the build sees (nothing connects during the build), so the scan below has
# real values to look for in the client bundles.
BUILD_SECRETS=(SESSION_SECRET=build-only-secret-build-only-secret-00
               DATABASE_URL=mysql://root:build-only-db-password@127.0.0.1:3306/stockroom)
env "${BUILD_SECRETS[@]}" NODE_ENV=production npx next build

echo "== no server secret in the client bundles"
env "${BUILD_SECRETS[@]}" npx tsx scripts/check-bundle-secrets.ts

echo "== end-to-end tests (Playwright)"
npx playwright test
