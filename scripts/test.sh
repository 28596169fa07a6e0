#!/usr/bin/env bash
# Every test: one production build, type check and lint, then unit + integration + fault tests
# (vitest, real MariaDB and Redis) and end-to-end (Playwright, Chromium) on their own ports and databases.
set -euo pipefail
cd "$(dirname "$0")/.."
# Next.js would otherwise send anonymous usage data from every build and server.
export NEXT_TELEMETRY_DISABLED=1

# `beside LOG COMMAND...` starts a slow step in the background (its output to LOG) while the
# next steps run; `joined HEADING` waits for it, prints its log under HEADING and returns its exit code.
beside() {
  beside_log=$1
  shift
  "$@" >"$beside_log" 2>&1 &
  beside_pid=$!
  trap 'kill "$beside_pid" 2>/dev/null || true' EXIT
}
joined() {
  local rc=0
  wait "$beside_pid" || rc=$?
  trap - EXIT
  echo "== $1 ($beside_log)"
  cat "$beside_log"
  return "$rc"
}

[ -d node_modules ] || npm ci
bash scripts/services.sh
# nginx for the front the end-to-end and fault tests run through (installed with apt when root and missing).
FRONT_DIR=artifacts/front-check bash scripts/front.sh --check >/dev/null
CHROMIUM_PATH="$(bash scripts/chromium.sh)"
export CHROMIUM_PATH

# One production build serves both the fault tests (tests/faults: real `next start` processes
# killed and restarted against throwaway MariaDB/Redis) and the end-to-end tests.
echo "== production build (fault and end-to-end tests)"
export NEXT_DIST_DIR="${NEXT_DIST_DIR:-.next-test}"
# Throwaway secrets the build sees (nothing connects during the build), so the scan below has
# real values to look for in the client bundles.
BUILD_SECRETS=(SESSION_SECRET=build-only-secret-build-only-secret-00
               DATABASE_URL=mysql://root:build-only-db-password@127.0.0.1:3306/stockroom)
# NEXT_BUILD_TYPECHECK=0: the build skips its own type check (half its time); `tsc --noEmit` below
# checks every file, the build's generated route types (.next-test/types) among them.
env "${BUILD_SECRETS[@]}" NEXT_BUILD_TYPECHECK=0 NODE_ENV=production npx next build

echo "== no server secret in the client bundles"
env "${BUILD_SECRETS[@]}" npx tsx scripts/check-bundle-secrets.ts

# The production-install check mostly waits on npm and a server; the type check and lint run beside it.
echo "== type check and lint (eslint, import rules), beside the production-install check"
mkdir -p artifacts
beside artifacts/prod-install-check.log env PRODCHECK_DIST="$NEXT_DIST_DIR" bash scripts/prod-install-check.sh
npx tsc --noEmit
npm run --silent lint
joined "production install: npm ci --omit=dev in a scratch copy, migrate, seed, npm start" || { echo "the production-install check failed"; exit 1; }

echo "== unit, integration and fault tests (vitest: tests/faults in a second lane beside the rest)"
# The fault tests run against throwaway MariaDB and Redis servers and spend most of their time
# waiting on the processes they kill and restart, so they run in a vitest of their own beside the
# other files, with its own database, Redis database and ports (FAULTS_PORT_BASE): neither lane
# sees the other's rows, and each runs its files one at a time. The page-cache file times a page
# cached for one second, so it runs alone once both lanes are done.
faults_env=(TEST_DATABASE_URL="${FAULTS_TEST_DATABASE_URL:-mysql://root@127.0.0.1:3306/stockroom_test_faults}"
            TEST_REDIS_URL="${FAULTS_TEST_REDIS_URL:-redis://127.0.0.1:6379/7}" FAULTS_PORT_BASE="${FAULTS_PORT_BASE:-3701}")
alone=tests/faults/page-cache.test.ts
beside artifacts/vitest-faults.log env "${faults_env[@]}" npx vitest run tests/faults --exclude "$alone"
rest=0
npx vitest run --exclude 'tests/faults/**' || rest=$?
faults=0
joined "tests/faults (second lane)" || faults=$?
if [ "$rest" != 0 ] || [ "$faults" != 0 ]; then
  echo "vitest failed (other files: exit $rest, tests/faults: exit $faults)"
  exit 1
fi
env "${faults_env[@]}" npx vitest run "$alone"

echo "== end-to-end tests (Playwright)"
npx playwright test
