#!/usr/bin/env bash
# A throwaway scale-out rig on loopback: a 3-node Galera cluster (MariaDB + galera-4) and a
# 3-master Redis Cluster, on fixed ports away from the shared 3306/6379.
#
#   bash scripts/cluster-rig.sh run CMD...   start, wait until ready, run CMD, then stop and delete
#   bash scripts/cluster-rig.sh start        start and wait (leaves it running; pids in $RIG_DIR)
#   bash scripts/cluster-rig.sh stop         stop by pid and delete the data dirs
#
#   Galera SQL   127.0.0.1:4306 4307 4308   (root, empty password; database stockroom_cluster)
#   Galera repl  4567/4577/4587, IST +1, SST (rsync) +2
#   Redis        127.0.0.1:7001 7002 7003   (cluster mode, no persistence)
#
# Only processes this script started are stopped (by the pids it recorded).
set -euo pipefail

RIG_DIR=${RIG_DIR:-/tmp/stockroom-cluster-rig}
SQL_PORTS=(4306 4307 4308)
GALERA_PORTS=(4567 4577 4587)
REDIS_PORTS=(7001 7002 7003)
GALERA_LIB=/usr/lib/galera/libgalera_smm.so

log() { printf '[cluster-rig] %s\n' "$*"; }

install_missing() {
  local need=()
  [ -f "$GALERA_LIB" ] || need+=(galera-4)
  command -v rsync >/dev/null || need+=(rsync)
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
  command -v redis-server >/dev/null || need+=(redis-server)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${need[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    log "missing ${need[*]}; install them (Debian: apt-get install ${need[*]}) and retry"; exit 1
  fi
}

sql() { # sql PORT QUERY
  mysql --protocol=tcp -h 127.0.0.1 -P "$1" -u root -N -B -e "$2" 2>/dev/null
}

wait_until() { # wait_until SECONDS WHAT CMD...
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 $((secs * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$what not ready after ${secs}s"; return 1
}

galera_synced() { # galera_synced PORT SIZE
  [ "$(sql "$1" "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)" = Synced ] &&
    [ "$(sql "$1" "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2)" -ge "$2" ]
}

start_galera_node() { # start_galera_node INDEX [--wsrep-new-cluster]
  local i=$1; shift
  local dir="$RIG_DIR/galera$((i + 1))" gport=${GALERA_PORTS[$i]}
  local peers="gcomm://127.0.0.1:${GALERA_PORTS[0]},127.0.0.1:${GALERA_PORTS[1]},127.0.0.1:${GALERA_PORTS[2]}"
  mkdir -p "$dir"
  chown mysql:mysql "$dir"
  # --no-defaults: nothing from /etc/mysql (the shared server's config) leaks in.
  /usr/sbin/mariadbd --no-defaults --user=mysql \
    --datadir="$dir" --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
    --bind-address=127.0.0.1 --port="${SQL_PORTS[$i]}" \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 --performance-schema=OFF \
    --max-connections=300 \
    --wsrep-on=ON --wsrep-provider="$GALERA_LIB" --wsrep-cluster-name=stockroom_rig \
    --wsrep-cluster-address="$peers" --wsrep-node-name="node$((i + 1))" \
    --wsrep-node-address="127.0.0.1:$gport" \
    --wsrep-provider-options="base_port=$gport;ist.recv_addr=127.0.0.1:$((gport + 1));gcache.size=64M" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$((gport + 2))" \
    "$@" </dev/null >"$dir/stdout.log" 2>&1 &
  echo $! >"$RIG_DIR/galera$((i + 1)).pid"
}

start_redis_node() { # start_redis_node PORT
  local port=$1 dir="$RIG_DIR/redis$1"
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$port" --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
    --cluster-node-timeout 5000 --daemonize no --save '' --appendonly no --dir "$dir" \
    --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
  echo $! >"$RIG_DIR/redis$port.pid"
}

start() {
  install_missing
  if [ -d "$RIG_DIR" ]; then log "$RIG_DIR exists: stopping the previous rig first"; stop; fi
  mkdir -p "$RIG_DIR"
  local t0=$SECONDS

  for p in "${REDIS_PORTS[@]}"; do start_redis_node "$p"; done
  for p in "${REDIS_PORTS[@]}"; do wait_until 20 "redis :$p" redis-cli -p "$p" ping; done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${REDIS_PORTS[@]}") --cluster-replicas 0 --cluster-yes >"$RIG_DIR/redis-create.log"
  wait_until 30 "redis cluster" bash -c "redis-cli -p ${REDIS_PORTS[0]} cluster info | grep -q 'cluster_state:ok'"
  log "Redis Cluster ok on ${REDIS_PORTS[*]} ($((SECONDS - t0))s)"

  mysql_install_db_quiet "$RIG_DIR/galera1"
  start_galera_node 0 --wsrep-new-cluster
  wait_until 60 "galera node 1" galera_synced "${SQL_PORTS[0]}" 1
  # Joiners start empty and get a full state transfer (rsync) from node 1, one at a time.
  start_galera_node 1
  wait_until 120 "galera node 2" galera_synced "${SQL_PORTS[1]}" 2
  start_galera_node 2
  wait_until 120 "galera node 3" galera_synced "${SQL_PORTS[2]}" 3
  for p in "${SQL_PORTS[@]}"; do wait_until 30 "galera :$p" galera_synced "$p" 3; done
  log "Galera cluster of 3 synced on ${SQL_PORTS[*]} ($((SECONDS - t0))s)"
}

mysql_install_db_quiet() {
  mkdir -p "$1"
  chown mysql:mysql "$1"
  mariadb-install-db --no-defaults --user=mysql --datadir="$1" --auth-root-authentication-method=normal \
    --skip-test-db >"$RIG_DIR/install-db.log" 2>&1 || { cat "$RIG_DIR/install-db.log"; return 1; }
}

stop() {
  [ -d "$RIG_DIR" ] || return 0
  local pids=()
  for f in "$RIG_DIR"/*.pid; do
    [ -f "$f" ] || continue
    local pid
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$RIG_DIR"
  log "stopped and deleted $RIG_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  run)
    shift
    trap stop EXIT INT TERM
    start
    "$@"
    ;;
  *) echo "usage: $0 start | stop | run CMD..." >&2; exit 2 ;;
esac
