#!/usr/bin/env bash
# A throwaway scale-out rig on loopback, the production topology of docs/scaling.md (Failover) in
# miniature: a 3-node Galera cluster (MariaDB + galera-4) behind HAProxy, and a Redis Cluster of
# 3 masters with one replica each, on fixed ports away from the shared 3306/6379.
#
#   bash scripts/cluster-rig.sh run CMD...   start, wait until ready, run CMD, then stop and delete
#   bash scripts/cluster-rig.sh start        start and wait (leaves it running; pids in $RIG_DIR)
#   bash scripts/cluster-rig.sh stop         stop by pid and delete the data dirs
#   bash scripts/cluster-rig.sh kill galera|redis N      SIGKILL one node (N: 1-3 / a Redis port)
#   bash scripts/cluster-rig.sh pause|resume galera N    SIGSTOP / SIGCONT one Galera node
#   bash scripts/cluster-rig.sh revive galera|redis N    restart a killed node on its own data:
#                                                        Galera rejoins by IST, Redis as a replica
#   bash scripts/cluster-rig.sh wait-synced              until all 3 Galera nodes are Synced and
#                                                        every Redis master has a live replica
#   The nemesis (RIG_NETNS=1 only; scripts/cluster/nemesis.sh, tests/cluster/nemesis.ts):
#   bash scripts/cluster-rig.sh partition A,B C,D        two-way split between two groups of hosts
#   bash scripts/cluster-rig.sh cut A,B C,D              one-way: A and B stop hearing C and D
#   bash scripts/cluster-rig.sh slow A,B [DELAY JITTER LOSS%]   delay every packet A and B send
#                                                        (200 50 1 by default), and drop LOSS%
#   bash scripts/cluster-rig.sh starve galera|redis N    stress-ng pinned to one core with the node
#   bash scripts/cluster-rig.sh heal                     undo every partition, cut, slow and starve
#   Hosts: g1-g3 (Galera), r7001-r7006 (Redis), hap (HAProxy + its agent), app1-app3 (app servers).
#
# RIG_NETNS=1 gives every node a host of its own: a network namespace (ip netns) with a veth
# pair to a bridge the rig creates, on the private range $RIG_NET.0/24 (default 10.213.7; the
# bridge is .1, Galera .11-.13, app servers .31-.33, HAProxy .40, Redis .21-.26); the ports stay
# as below. The test process and the front stay on this host's loopback and reach the nodes over
# the bridge. $RIG_DIR/hosts.json tells tests/cluster/rig.ts where each node is. Without it
# (the default) every node listens on 127.0.0.1 and no partition can be made.
#
#   HAProxy      127.0.0.1:4316 single writer (node 1, then 2, then 3), :4317 multi-writer (all
#                three, fewest connections first); a node counts only while it answers a MySQL
#                login and Synced (the agent, scripts/cluster/galera-agent.mjs, on :4326-4328);
#                stats socket $RIG_DIR/haproxy.sock
#   Galera SQL   127.0.0.1:4306 4307 4308   (root, empty password; database stockroom_cluster)
#   Galera repl  4567/4577/4587, IST +1, SST (rsync) +2
#   Redis        127.0.0.1:7001-7006        (cluster mode, no persistence; 3 masters + 3 replicas)
#
# Only processes this script started are stopped (by the pids it recorded).
set -euo pipefail

RIG_DIR=${RIG_DIR:-/tmp/stockroom-cluster-rig}
# Set by start (in $RIG_DIR/netns) so that later commands (kill, partition...) know the mode.
RIG_NETNS=${RIG_NETNS:-0}
[ -f "$RIG_DIR/netns" ] && RIG_NETNS=1
RIG_NET=${RIG_NET:-10.213.7}
SQL_PORTS=(4306 4307 4308)
GALERA_PORTS=(4567 4577 4587)
REDIS_PORTS=(7001 7002 7003 7004 7005 7006)
HAPROXY_PORTS=(4316 4317)
AGENT_PORTS=(4326 4327 4328)
# HAProxy's MySQL check logs in as this user (no password, no privileges beyond USAGE).
CHECK_USER=haproxy_check
GALERA_LIB=/usr/lib/galera/libgalera_smm.so
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Failover bounds (docs/scaling.md, Failover): Redis promotes a replica once its master has been
# unreachable for REDIS_NODE_TIMEOUT_MS (plus about a second of election); Galera drops a silent
# node after evs.suspect_timeout; HAProxy stops routing to a node its agent calls down (at once
# for a dead or non-Synced node, after 5 s of silence for a frozen one) or after 3 failed logins.
REDIS_NODE_TIMEOUT_MS=${REDIS_NODE_TIMEOUT_MS:-3000}
GALERA_SUSPECT_TIMEOUT=${GALERA_SUSPECT_TIMEOUT:-PT3S}
# What a failed connection to a node does in HAProxy (observe layer4: only a connection that
# could not be made counts, never a slow answer): hurry the checks, or mark the node down.
HAPROXY_ON_ERROR=${HAPROXY_ON_ERROR:-error-limit 2 on-error fastinter}

log() { printf '[cluster-rig] %s\n' "$*"; }

# shellcheck source=scripts/cluster/netns.sh
. "$ROOT/scripts/cluster/netns.sh"

install_missing() {
  local need=()
  [ -f "$GALERA_LIB" ] || need+=(galera-4)
  command -v rsync >/dev/null || need+=(rsync)
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
  command -v socat >/dev/null || need+=(socat)
  # The fault races' CPU hog (tests/cluster/faults.ts).
  command -v stress-ng >/dev/null || need+=(stress-ng)
  # The network namespaces and the nemesis: iproute2, iptables (legacy tables: this kernel may
  # have no nf_tables), and the delaying queue built from scripts/cluster/netdelay.c.
  if [ "$RIG_NETNS" = 1 ]; then
    command -v ip >/dev/null || need+=(iproute2)
    command -v iptables-legacy >/dev/null || need+=(iptables)
    command -v gcc >/dev/null || need+=(gcc libc6-dev)
    [ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ] || need+=(libnetfilter-queue-dev)
    command -v taskset >/dev/null || need+=(util-linux)
  fi
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${need[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    log "missing ${need[*]}; install them (Debian: apt-get install ${need[*]}) and retry"; exit 1
  fi
}

sql() { # sql PORT QUERY (over the node's socket: it works across namespaces)
  local n
  for n in 0 1 2; do [ "${SQL_PORTS[$n]}" = "$1" ] && break; done
  mysql -S "$RIG_DIR/galera$((n + 1))/mysqld.sock" -u root -N -B -e "$2" 2>/dev/null
}
rcli() { # rcli PORT ARGS...: redis-cli against one Redis node, wherever it lives
  local port=$1; shift
  redis-cli -h "$(redis_host "$port")" -p "$port" "$@"
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

galera_args() { # galera_args INDEX: the node's mariadbd options
  local i=$1
  local dir="$RIG_DIR/galera$((i + 1))" gport=${GALERA_PORTS[$i]}
  local host peers
  host=$(galera_host "$i")
  peers="gcomm://$(galera_host 0):${GALERA_PORTS[0]},$(galera_host 1):${GALERA_PORTS[1]},$(galera_host 2):${GALERA_PORTS[2]}"
  # --no-defaults: nothing from /etc/mysql (the shared server's config) leaks in.
  printf '%s\n' --no-defaults --user=mysql \
    --datadir="$dir" --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
    --bind-address="$host" --port="${SQL_PORTS[$i]}" $( [ "$RIG_NETNS" = 1 ] && echo --skip-name-resolve) \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 --performance-schema=OFF \
    --max-connections=300 \
    --wsrep-on=ON --wsrep-provider="$GALERA_LIB" --wsrep-cluster-name=stockroom_rig \
    --wsrep-cluster-address="$peers" --wsrep-node-name="node$((i + 1))" \
    --wsrep-node-address="$host:$gport" \
    --wsrep-provider-options="base_port=$gport;ist.recv_addr=$host:$((gport + 1));gcache.size=64M;evs.suspect_timeout=$GALERA_SUSPECT_TIMEOUT;evs.inactive_timeout=PT10S" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="$host:$((gport + 2))"
}

start_galera_node() { # start_galera_node INDEX [mariadbd option...]
  local i=$1; shift
  local dir="$RIG_DIR/galera$((i + 1))" args
  mkdir -p "$dir"
  chown mysql:mysql "$dir"
  mapfile -t args < <(galera_args "$i")
  spawn_in "g$((i + 1))" /usr/sbin/mariadbd "${args[@]}" --log-error="$dir/error.log" "$@" </dev/null >"$dir/stdout.log" 2>&1 &
  echo $! >"$RIG_DIR/galera$((i + 1)).pid"
}

# A node killed mid-write has no position in grastate.dat (seqno -1): read it back from InnoDB,
# as systemd's galera_recovery does, so the node asks for the writes it missed (IST) instead of
# a full copy (SST). Prints uuid:seqno, or nothing.
recovered_position() { # recovered_position INDEX
  local i=$1 dir="$RIG_DIR/galera$(($1 + 1))" args
  mapfile -t args < <(galera_args "$i")
  in_ns "g$(($1 + 1))" /usr/sbin/mariadbd "${args[@]}" --log-error="$dir/recover.log" --wsrep-recover </dev/null >/dev/null 2>&1 || true
  sed -n 's/.*WSREP: Recovered position: \([-0-9a-f]*:[-0-9]*\).*/\1/p' "$dir/recover.log" | tail -1
}

start_redis_node() { # start_redis_node PORT
  local port=$1 dir="$RIG_DIR/redis$1"
  mkdir -p "$dir"
  # cluster-replica-validity-factor 0: a replica takes over however long it was cut off, since
  # the alternative is a third of the slots down until an operator steps in.
  spawn_in "r$port" redis-server --bind "$(redis_host "$port")" --port "$port" --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
    --cluster-node-timeout "$REDIS_NODE_TIMEOUT_MS" --cluster-replica-validity-factor 0 \
    --daemonize no --save '' --appendonly no --dir "$dir" $( [ "$RIG_NETNS" = 1 ] && echo --protected-mode no) \
    --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
  echo $! >"$RIG_DIR/redis$port.pid"
}

start() {
  install_missing
  if [ -d "$RIG_DIR" ]; then log "$RIG_DIR exists: stopping the previous rig first"; stop; fi
  netns_down
  mkdir -p "$RIG_DIR"
  local t0=$SECONDS
  if [ "$RIG_NETNS" = 1 ]; then
    touch "$RIG_DIR/netns"
    netns_up
    log "hosts of their own: namespaces on $RIG_NET.0/24 behind bridge $RIG_BRIDGE ($((SECONDS - t0))s)"
  fi

  for p in "${REDIS_PORTS[@]}"; do start_redis_node "$p"; done
  for p in "${REDIS_PORTS[@]}"; do wait_until 20 "redis :$p" rcli "$p" ping; done
  # The first three listed become masters, each of the last three a replica of one of them.
  redis-cli --cluster create $(for p in "${REDIS_PORTS[@]}"; do printf '%s:%s ' "$(redis_host "$p")" "$p"; done) --cluster-replicas 1 --cluster-yes >"$RIG_DIR/redis-create.log"
  wait_until 30 "redis cluster" redis_ready
  log "Redis Cluster ok on ${REDIS_PORTS[*]}, 3 masters with a replica each ($((SECONDS - t0))s)"

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

  sql "${SQL_PORTS[0]}" "CREATE USER IF NOT EXISTS '$CHECK_USER'@'$(hap_host)'"
  if [ "$RIG_NETNS" = 1 ]; then
    # The test process (over the bridge) and HAProxy connect from the rig's range as root.
    sql "${SQL_PORTS[0]}" "CREATE USER IF NOT EXISTS 'root'@'$RIG_NET.%'; GRANT ALL ON *.* TO 'root'@'$RIG_NET.%' WITH GRANT OPTION"
  fi
  start_agent
  start_haproxy
  wait_until 20 "haproxy" haproxy_all_up
  log "HAProxy: single writer on :${HAPROXY_PORTS[0]}, multi-writer on :${HAPROXY_PORTS[1]} ($((SECONDS - t0))s)"
}

# Every master has slots and a replica whose link is up, and the cluster says ok.
redis_ready() {
  local nodes
  nodes=$(rcli "${REDIS_PORTS[0]}" cluster nodes 2>/dev/null) || return 1
  rcli "${REDIS_PORTS[0]}" cluster info | grep -q 'cluster_state:ok' || return 1
  [ "$(awk '$3 ~ /master/ && $3 !~ /fail/ && $9 != ""' <<<"$nodes" | wc -l)" -ge 3 ] || return 1
  local id
  for id in $(awk '$3 ~ /master/ && $3 !~ /fail/ && $9 != "" {print $1}' <<<"$nodes"); do
    local replica
    replica=$(awk -v m="$id" '$4 == m && $3 ~ /slave/ && $3 !~ /fail/ {print $2}' <<<"$nodes" | head -1)
    [ -n "$replica" ] || return 1
    local rport=${replica%%@*}; rport=${rport##*:}
    rcli "$rport" info replication | grep -q 'master_link_status:up' || return 1
  done
}

start_agent() {
  local i args=()
  for i in 0 1 2; do args+=("${AGENT_PORTS[$i]}=$(galera_host "$i"):${SQL_PORTS[$i]}"); done
  # Beside HAProxy (its namespace), answering on that host's loopback.
  GALERA_CHECK_USER=$CHECK_USER spawn_in hap node "$ROOT/scripts/cluster/galera-agent.mjs" "${args[@]}" </dev/null >"$RIG_DIR/agent.log" 2>&1 &
  echo $! >"$RIG_DIR/agent.pid"
  for i in 0 1 2; do wait_until 20 "galera agent :${AGENT_PORTS[$i]}" in_ns hap bash -c "exec 3<>/dev/tcp/127.0.0.1/${AGENT_PORTS[$i]}"; done
}

start_haproxy() {
  local cfg="$RIG_DIR/haproxy.cfg" servers_single="" servers_multi="" i
  for i in 0 1 2; do
    local backup=""; [ "$i" -gt 0 ] && backup=" backup"
    servers_single+="  server node$((i + 1)) $(galera_host "$i"):${SQL_PORTS[$i]} check agent-check agent-addr 127.0.0.1 agent-port ${AGENT_PORTS[$i]}$backup"$'\n'
    # The multi-writer pool follows the same checks instead of running its own.
    servers_multi+="  server node$((i + 1)) $(galera_host "$i"):${SQL_PORTS[$i]} track galera_single_writer/node$((i + 1))"$'\n'
  done
  sed -e "s#@RIG_DIR@#$RIG_DIR#g" -e "s#@CHECK_USER@#$CHECK_USER#g" -e "s#@BIND@#$(hap_host)#g" -e "s#@ON_ERROR@#$HAPROXY_ON_ERROR#g" \
      -e "s#@SINGLE_PORT@#${HAPROXY_PORTS[0]}#g" -e "s#@MULTI_PORT@#${HAPROXY_PORTS[1]}#g" \
      "$ROOT/scripts/cluster/haproxy.cfg.template" >"$cfg"
  printf '%s' "$servers_single" >"$RIG_DIR/single.servers"
  printf '%s' "$servers_multi" >"$RIG_DIR/multi.servers"
  sed -i -e "/@SINGLE_SERVERS@/{r $RIG_DIR/single.servers" -e 'd}' -e "/@MULTI_SERVERS@/{r $RIG_DIR/multi.servers" -e 'd}' "$cfg"
  haproxy -c -q -f "$cfg"
  spawn_in hap haproxy -db -f "$cfg" </dev/null >"$RIG_DIR/haproxy.log" 2>&1 &
  echo $! >"$RIG_DIR/haproxy.pid"
}

# "show servers state" lists srv_op_state (2 = up) in its sixth column.
haproxy_all_up() {
  [ "$(echo "show servers state galera_single_writer" | socat stdio "unix-connect:$RIG_DIR/haproxy.sock" 2>/dev/null | awk 'NR > 2 && $6 == 2' | wc -l)" -eq 3 ]
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
  for f in "$RIG_DIR"/*.pid "$RIG_DIR"/nemesis/*.pid; do
    [ -f "$f" ] || continue
    local pid
    read -r pid _ <"$f"
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  netns_down
  rm -rf "$RIG_DIR"
  log "stopped and deleted $RIG_DIR"
}

pid_of() { # pid_of galera|redis N
  case "$1" in
    galera) cat "$RIG_DIR/galera$2.pid" ;;
    redis) cat "$RIG_DIR/redis$2.pid" ;;
    *) log "unknown node kind $1 (galera or redis)"; exit 2 ;;
  esac
}

revive() { # revive galera|redis N
  local kind=$1 n=$2 old
  old=$(pid_of "$kind" "$n")
  for _ in $(seq 1 40); do kill -0 "$old" 2>/dev/null || break; sleep 0.25; done
  if [ "$kind" = galera ]; then
    # Its data and grastate.dat are kept: the node recovers its position from InnoDB and asks a
    # donor for the writes it missed (IST, from the donor's gcache) rather than a full copy.
    local position
    position=$(recovered_position $((n - 1)))
    log "galera $n recovered position ${position:-unknown}"
    start_galera_node $((n - 1)) ${position:+--wsrep-start-position="$position"}
    wait_until 120 "galera node $n" galera_synced "${SQL_PORTS[$((n - 1))]}" 3
  else
    # Its nodes.conf is kept: it rejoins, learns that its replica took over, and becomes a replica.
    start_redis_node "$n"
    wait_until 60 "redis :$n as a replica" bash -c "redis-cli -h $(redis_host "$n") -p $n info replication | grep -q 'master_link_status:up'"
  fi
  log "$kind $n is back"
}

wait_synced() {
  for p in "${SQL_PORTS[@]}"; do wait_until 120 "galera :$p" galera_synced "$p" 3; done
  wait_until 60 "redis cluster" redis_ready
  wait_until 20 "haproxy" haproxy_all_up
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  kill) kill -KILL "$(pid_of "$2" "$3")"; log "SIGKILL $2 $3" ;;
  pause) kill -STOP "$(pid_of galera "$3")"; log "SIGSTOP $2 $3" ;;
  resume) kill -CONT "$(pid_of galera "$3")"; log "SIGCONT $2 $3" ;;
  revive) revive "$2" "$3" ;;
  wait-synced) wait_synced ;;
  partition | cut | slow | starve | heal) nemesis "$@" ;;
  run)
    shift
    trap stop EXIT INT TERM
    start
    "$@"
    ;;
  *) echo "usage: $0 start | stop | run CMD... | kill|revive galera|redis N | pause|resume galera N | wait-synced | partition|cut A,B C,D | slow A,B [DELAY JITTER LOSS] | starve galera|redis N | heal" >&2; exit 2 ;;
esac
