#!/usr/bin/env bash
# Prints the path of a Chromium for Playwright: $CHROMIUM_PATH, one on PATH, or Debian's package
# installed with apt when root. Playwright's own browser download cannot work offline.
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser "$(command -v chromium 2>/dev/null || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[chromium] installing Debian's chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo /usr/bin/chromium; exit 0
fi
echo "[chromium] no Chromium found: install chromium or set CHROMIUM_PATH" >&2
exit 1
