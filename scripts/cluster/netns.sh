# Hosts of their own for scripts/cluster-rig.sh (sourced; RIG_NETNS=1), and the nemesis that
# cuts, slows and starves them (issue 38). Every name here is the rig's own: namespaces sr-*,
# veths sr-v-*, the bridge sr-rig-br, iptables chains NEMESIS and NEMESIS_OUT inside those
# namespaces only; nothing on the host's own interfaces or tables is touched.
#
# Hosts: g1-g3 (Galera), r7001-r7006 (Redis), hap (HAProxy and its agent), app1-app3 (the app
# servers, started by tests/cluster/rig.ts). Addresses on $RIG_NET.0/24, the bridge at .1.

RIG_BRIDGE=sr-rig-br
RIG_HOSTS=(g1 g2 g3 r7001 r7002 r7003 r7004 r7005 r7006 hap app1 app2 app3)
NEMESIS_DIR="$RIG_DIR/nemesis"

ip_of() { # ip_of HOST
  case "$1" in
    g[1-3]) echo "$RIG_NET.$((10 + ${1#g}))" ;;
    r700[1-6]) echo "$RIG_NET.$((20 + ${1#r700}))" ;;
    app[1-3]) echo "$RIG_NET.$((30 + ${1#app}))" ;;
    hap) echo "$RIG_NET.40" ;;
    *) log "unknown host $1 (g1-g3, r7001-r7006, hap, app1-app3)"; exit 2 ;;
  esac
}

# Where a node listens: its own address with RIG_NETNS=1, else loopback.
host_of() { if [ "$RIG_NETNS" = 1 ]; then ip_of "$1"; else echo 127.0.0.1; fi; }
galera_host() { host_of "g$(($1 + 1))"; } # galera_host INDEX
redis_host() { host_of "r$1"; }           # redis_host PORT
hap_host() { host_of hap; }

# in_ns HOST CMD...: runs CMD in the host's namespace, or here.
in_ns() {
  local host=$1; shift
  if [ "$RIG_NETNS" = 1 ]; then ip netns exec "sr-$host" "$@"; else "$@"; fi
}
# spawn_in HOST CMD... &: the same for a node run in the background. It execs (and so does
# `ip netns exec`), so $! is the node's own pid: the one that kill, pause and stop signal.
spawn_in() {
  local host=$1; shift
  if [ "$RIG_NETNS" = 1 ]; then exec ip netns exec "sr-$host" "$@"; else exec "$@"; fi
}

ipt() { # ipt HOST ARGS...: iptables (legacy tables) inside one host's namespace
  local host=$1; shift
  ip netns exec "sr-$host" iptables-legacy -w "$@"
}

netns_up() {
  ip link add "$RIG_BRIDGE" type bridge
  ip addr add "$RIG_NET.1/24" dev "$RIG_BRIDGE"
  ip link set "$RIG_BRIDGE" up
  local h
  for h in "${RIG_HOSTS[@]}"; do
    ip netns add "sr-$h"
    ip link add "sr-v-$h" type veth peer name eth0 netns "sr-$h"
    ip link set "sr-v-$h" master "$RIG_BRIDGE" up
    ip netns exec "sr-$h" ip addr add "$(ip_of "$h")/24" dev eth0
    ip netns exec "sr-$h" ip link set eth0 up
    ip netns exec "sr-$h" ip link set lo up
    # The nemesis's chains: NEMESIS drops what this host must not hear, NEMESIS_OUT slows and
    # loses what it sends. Empty until a fault.
    ipt "$h" -N NEMESIS && ipt "$h" -A INPUT -j NEMESIS
    ipt "$h" -N NEMESIS_OUT && ipt "$h" -A OUTPUT -j NEMESIS_OUT
  done
  mkdir -p "$NEMESIS_DIR"
  gcc -O2 -Wall -o "$NEMESIS_DIR/netdelay" "$ROOT/scripts/cluster/netdelay.c" -lnetfilter_queue
  # Where each port is, for tests/cluster/rig.ts.
  {
    printf '{"net":"%s","hosts":{' "$RIG_NET"
    local i sep=""
    for i in 0 1 2; do printf '%s"%s":"%s"' "$sep" "${SQL_PORTS[$i]}" "$(ip_of "g$((i + 1))")"; sep=,; done
    for p in "${REDIS_PORTS[@]}"; do printf ',"%s":"%s"' "$p" "$(ip_of "r$p")"; done
    for p in "${HAPROXY_PORTS[@]}"; do printf ',"%s":"%s"' "$p" "$(ip_of hap)"; done
    for i in 1 2 3; do printf ',"app%s":"%s"' "$i" "$(ip_of "app$i")"; done
    printf '}}\n'
  } >"$RIG_DIR/hosts.json"
}

# Removes whatever of the rig's namespaces, veths and bridge exists (idempotent; the processes
# inside were stopped by pid first).
netns_down() {
  local h
  for h in "${RIG_HOSTS[@]}"; do
    if ip netns pids "sr-$h" >/dev/null 2>&1; then ip netns del "sr-$h" || log "could not delete namespace sr-$h"; fi
    if ip link show "sr-v-$h" >/dev/null 2>&1; then ip link del "sr-v-$h" 2>/dev/null || true; fi
  done
  if ip link show "$RIG_BRIDGE" >/dev/null 2>&1; then ip link del "$RIG_BRIDGE" || true; fi
}

nemesis() { # nemesis partition|cut|slow|starve|heal ...
  [ "$RIG_NETNS" = 1 ] || { log "the nemesis needs hosts of their own: start the rig with RIG_NETNS=1"; exit 2; }
  local what=$1; shift
  local a b
  case "$what" in
    partition | cut)
      local -a side1 side2
      IFS=, read -ra side1 <<<"$1"
      IFS=, read -ra side2 <<<"$2"
      local ips1 ips2
      ips1=$(for a in "${side1[@]}"; do ip_of "$a"; done | paste -sd,)
      ips2=$(for b in "${side2[@]}"; do ip_of "$b"; done | paste -sd,)
      # One rule per host (iptables takes a list of sources), the hosts at once: a split, not a
      # slow slide into one.
      for a in "${side1[@]}"; do ipt "$a" -A NEMESIS -s "$ips2" -j DROP & done
      if [ "$what" = partition ]; then for b in "${side2[@]}"; do ipt "$b" -A NEMESIS -s "$ips1" -j DROP & done; fi
      wait
      log "$what: ${side1[*]} | ${side2[*]}"
      ;;
    slow)
      local -a hosts
      IFS=, read -ra hosts <<<"$1"
      local delay=${2:-200} jitter=${3:-50} loss=${4:-1}
      for a in "${hosts[@]}"; do
        ipt "$a" -A NEMESIS_OUT -o eth0 -m statistic --mode random --probability "$(awk "BEGIN { print $loss / 100 }")" -j DROP
        ipt "$a" -A NEMESIS_OUT -o eth0 -j NFQUEUE --queue-num 0 --queue-bypass
        ip netns exec "sr-$a" "$NEMESIS_DIR/netdelay" 0 "$delay" "$jitter" </dev/null >>"$NEMESIS_DIR/netdelay-$a.log" 2>&1 &
        echo $! >"$NEMESIS_DIR/slow-$a.pid"
      done
      log "slow: ${hosts[*]} send with ${delay} ms +- ${jitter} ms delay and ${loss}% loss"
      ;;
    starve)
      local victim
      victim=$(pid_of "$1" "$2")
      # The node and a hog share core 0; everything else keeps the other cores.
      taskset -a -p -c 0 "$victim" >/dev/null
      taskset -c 0 stress-ng --cpu 2 --cpu-load 100 </dev/null >/dev/null 2>&1 &
      echo "$! $victim" >"$NEMESIS_DIR/starve-$1$2.pid"
      log "starve: $1 $2 shares core 0 with stress-ng"
      ;;
    heal)
      for a in "${RIG_HOSTS[@]}"; do
        ip netns pids "sr-$a" >/dev/null 2>&1 || continue
        ipt "$a" -F NEMESIS
        ipt "$a" -F NEMESIS_OUT
      done
      local f pid victim
      for f in "$NEMESIS_DIR"/slow-*.pid "$NEMESIS_DIR"/starve-*.pid; do
        [ -f "$f" ] || continue
        read -r pid victim <"$f"
        kill "$pid" 2>/dev/null || true
        [ -n "${victim:-}" ] && taskset -a -p -c "0-$(($(nproc) - 1))" "$victim" >/dev/null 2>&1
        rm -f "$f"
      done
      log "healed: no partition, no delay, no loss, no hog"
      ;;
  esac
}
