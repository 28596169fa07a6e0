#!/usr/bin/env bash
# `npm run screenshots`: a production build, then every page × role on a phone and a laptop into
# docs/screenshots/ (a fresh e2e database, as `npm test` uses). See e2e/screenshots.spec.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
bash scripts/services.sh
CHROMIUM_PATH="$(bash scripts/chromium.sh)"
export CHROMIUM_PATH
export NEXT_DIST_DIR="${NEXT_DIST_DIR:-.next-test}"
NODE_ENV=production npx next build
SCREENSHOTS=1 npx playwright test --project=screenshots "$@"
ls -l docs/screenshots
