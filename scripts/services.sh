#!/usr/bin/env bash
# Makes sure MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379) answer: starts them when they
# are installed but stopped, installs them when root with apt, otherwise says what to do.
# Only the default local addresses are managed; other DATABASE_URL/REDIS_URL hosts are just checked.
set -euo pipefail

log() { printf '[services] %s\n' "$*"; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_install() {
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
wait_for() { # wait_for NAME CMD...
  local name=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$name did not come up"; return 1
}

mariadb_ok() { mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }
redis_ok() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

if mariadb_ok; then
  log "MariaDB answers on 127.0.0.1:3306"
else
  if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
    if can_apt; then apt_install mariadb-server mariadb-client; else
      log "MariaDB is not installed. Install mariadb-server (or point DATABASE_URL at a MySQL 8 / MariaDB server) and retry."; exit 1
    fi
  fi
  log "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  if [ "$(id -u)" = 0 ]; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  else
    log "MariaDB is stopped and starting it needs root: sudo service mariadb start"; exit 1
  fi
  wait_for MariaDB mariadb_ok
  log "MariaDB is up"
fi

# Each app process keeps two pools (the checkout's and the causal one its key lookups read on) and
# the tests run several processes at once: MariaDB's default of 151 connections is too few.
MIN_CONNECTIONS=500
connections=$(mariadb --protocol=tcp -h 127.0.0.1 -P 3306 -u root -N -e "SELECT @@max_connections" 2>/dev/null || echo 0)
if [ "${connections:-0}" -lt "$MIN_CONNECTIONS" ]; then
  if mariadb --protocol=tcp -h 127.0.0.1 -P 3306 -u root -e "SET GLOBAL max_connections = $MIN_CONNECTIONS" 2>/dev/null; then
    log "MariaDB max_connections raised from $connections to $MIN_CONNECTIONS"
  else
    log "MariaDB allows $connections connections; the tests want $MIN_CONNECTIONS (SET GLOBAL max_connections needs a privileged user)"
  fi
fi

if redis_ok; then
  log "Redis answers on 127.0.0.1:6379"
else
  if ! command -v redis-server >/dev/null; then
    if can_apt; then apt_install redis-server; else
      log "Redis is not installed. Install redis-server (or point REDIS_URL at one) and retry."; exit 1
    fi
  fi
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis_ok
  log "Redis is up"
fi
