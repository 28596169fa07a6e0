#!/usr/bin/env bash
# The front: nginx in front of the launcher's workers (scripts/start.mjs). Writes the
# configuration from scripts/front/nginx.conf.template into a run folder of its own and runs
# nginx in the foreground (so whoever started it, a shell script or a test, stops it with a
# signal: TERM stops at once, QUIT after in-flight requests). Several fronts on different ports
# (demo, e2e, tests, bench) coexist: each has its own folder, pid file, cache and log, and nothing
# under /etc/nginx is touched. Installs Debian's nginx when root and missing.
#
#   FRONT_PORT=3000 APP_PORT=3001 bash scripts/front.sh          # serve :3000, proxy to 127.0.0.1:3001
#   bash scripts/front.sh --check                                 # write the configuration and test it (nginx -t)
#
# Environment (defaults in brackets):
#   FRONT_PORT        port the front listens on [PORT, else 3000]
#   FRONT_HOST        address it listens on [all; 127.0.0.1 for tests]
#   APP_PORT          the launcher's port on 127.0.0.1 [FRONT_PORT + 1]
#   APP_WORKERS       the launcher's workers on ports of their own (PORT_PER_WORKER=1): APP_PORT to
#                     APP_PORT + APP_WORKERS - 1, each listed once [unset: one shared port]
#   APP_PORTS         several app servers instead, e.g. 127.0.0.1:3001,10.0.0.2:3001 (host optional)
#   FRONT_DIR         run folder: nginx.conf, pid, error.log, the pages' and pictures' caches [.front/<FRONT_PORT>]
#   NEXT_DIST_DIR     build folder whose static/ is served from disk [.next]
#   FRONT_WORKERS     nginx worker processes [auto: one per core]
#   FRONT_LOGIN_RATE / FRONT_LOGIN_BURST        per-address login+register POSTs [1r/s / 20]
#   FRONT_CHECKOUT_RATE / FRONT_CHECKOUT_BURST  per-address checkout POSTs [5r/s / 20]
#   FRONT_JOIN_RATE / FRONT_JOIN_BURST          per-address joins of a drop's line [1r/s / 5]
#   FRONT_CONN_PER_ADDR   open connections per client address [256; at most 65535]
#   FRONT_CLIENT_TIMEOUT  time a client gets to send its headers, and between body reads [10s]
#   FRONT_ACCESS_LOG      "off" or a file path [off: the app logs every request]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

log() { printf '[front] %s\n' "$*" >&2; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [ ! -x "$NGINX" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing nginx with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    NGINX=/usr/sbin/nginx
  else
    log "nginx is not installed. Install Debian's nginx package (apt-get install nginx) and retry."; exit 1
  fi
fi

FRONT_PORT="${FRONT_PORT:-${PORT:-3000}}"
APP_PORT="${APP_PORT:-$((FRONT_PORT + 1))}"
RUN="$(realpath -m "${FRONT_DIR:-.front/$FRONT_PORT}")"
DIST="$(realpath -m "${NEXT_DIST_DIR:-.next}")"
LISTEN="${FRONT_HOST:+$FRONT_HOST:}$FRONT_PORT"

if [ -n "${APP_PORTS:-}" ]; then
  UPSTREAM=""
  IFS=, read -ra ADDRS <<< "$APP_PORTS"
  for a in "${ADDRS[@]}"; do
    case "$a" in *:*) ;; *) a="127.0.0.1:$a" ;; esac
    UPSTREAM+="    server $a max_fails=1 fail_timeout=2s;\n"
  done
elif [ -n "${APP_WORKERS:-}" ]; then
  # One port per worker (scripts/start.mjs PORT_PER_WORKER=1): a dead worker's port refuses at
  # once, so its GETs, and POSTs it never received, go to the next worker; the front skips it 1 s.
  UPSTREAM=""
  for ((i = 0; i < APP_WORKERS; i++)); do UPSTREAM+="    server 127.0.0.1:$((APP_PORT + i)) max_fails=1 fail_timeout=1s;\n"; done
else
  # Four entries for one port: each try of a request takes another entry, and a worker that just
  # died can fail a request's first tries on its kept-alive connections (tests/faults/front.test.ts).
  UPSTREAM=""
  for _ in 1 2 3 4; do UPSTREAM+="    server 127.0.0.1:$APP_PORT max_fails=0;\n"; done
fi

# As many open files as this machine lets us; each worker takes half of them for connections.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE="$(ulimit -n)"; [ "$NOFILE" = unlimited ] && NOFILE=65536
WORKER_CONNECTIONS=$(( NOFILE / 2 < 16384 ? NOFILE / 2 : 16384 ))

mkdir -p "$RUN/tmp" "$RUN/cache" "$RUN/images"
rm -rf "$RUN/cache/"* "$RUN/images/"* # a restarted front starts with an empty cache, never an older build's pages (nor a deleted picture)
USER_LINE=""
if [ "$(id -u)" = 0 ]; then
  # nginx's workers drop root; they write only the cache and temporary files, and read the build.
  # A checkout under a private folder (mktemp -d is 0700) is not readable by nobody: then the
  # workers run as the checkout's owner instead.
  WORKER_USER=nobody WORKER_GROUP=nogroup
  if ! runuser -u nobody -- test -r "$DIST/static" 2>/dev/null; then
    WORKER_USER="$(stat -c %U "$ROOT")" WORKER_GROUP="$(stat -c %G "$ROOT")"
  fi
  USER_LINE="user $WORKER_USER $WORKER_GROUP;"
  chmod 755 "$RUN"
  chown -R "$WORKER_USER:$WORKER_GROUP" "$RUN/tmp" "$RUN/cache" "$RUN/images"
fi

sed -e "s#@RUN@#$RUN#g" -e "s#@DIST@#$DIST#g" -e "s#@PUBLIC@#$ROOT/public#g" -e "s#@FRONT_FILES@#$ROOT/scripts/front#g" \
    -e "s#@FRONT_PORT@#$FRONT_PORT#g" -e "s#@FRONT_LISTEN@#$LISTEN#g" -e "s#@UPSTREAM_SERVERS@#${UPSTREAM%\\n}#" \
    -e "s#@USER_LINE@#$USER_LINE#g" -e "s#@WORKER_CONNECTIONS@#$WORKER_CONNECTIONS#g" -e "s#@FRONT_WORKERS@#${FRONT_WORKERS:-auto}#g" \
    -e "s#@LOGIN_RATE@#${FRONT_LOGIN_RATE:-1r/s}#g" -e "s#@LOGIN_BURST@#${FRONT_LOGIN_BURST:-20}#g" \
    -e "s#@CHECKOUT_RATE@#${FRONT_CHECKOUT_RATE:-5r/s}#g" -e "s#@CHECKOUT_BURST@#${FRONT_CHECKOUT_BURST:-20}#g" \
    -e "s#@JOIN_RATE@#${FRONT_JOIN_RATE:-1r/s}#g" -e "s#@JOIN_BURST@#${FRONT_JOIN_BURST:-5}#g" \
    -e "s#@CONN_PER_ADDR@#${FRONT_CONN_PER_ADDR:-256}#g" -e "s#@CLIENT_TIMEOUT@#${FRONT_CLIENT_TIMEOUT:-10s}#g" \
    -e "s#@ACCESS_LOG@#${FRONT_ACCESS_LOG:-off}#g" \
    scripts/front/nginx.conf.template > "$RUN/nginx.conf"
if grep -q '@[A-Z_]*@' "$RUN/nginx.conf"; then log "unfilled placeholder in $RUN/nginx.conf"; exit 1; fi

NGINX_ARGS=(-p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log")
if [ "${1:-}" = "--check" ]; then exec "$NGINX" "${NGINX_ARGS[@]}" -t; fi
TARGET="${APP_PORTS:-127.0.0.1:$APP_PORT}"
[ -n "${APP_WORKERS:-}" ] && [ -z "${APP_PORTS:-}" ] && TARGET="$APP_WORKERS workers on 127.0.0.1:$APP_PORT-$((APP_PORT + APP_WORKERS - 1))"
log "http://${FRONT_HOST:-localhost}:$FRONT_PORT -> $TARGET (config $RUN/nginx.conf)"
exec "$NGINX" "${NGINX_ARGS[@]}" -g "daemon off;"
