#!/bin/sh
# HAProxy's health check of one Galera node (external-check: $3 address, $4 port). A node takes
# traffic only while it is Synced (wsrep_local_state 4) and ready: a joiner, a donor or a node cut
# off from the primary component refuses writes or serves stale reads, and a frozen node fails the
# 1 s limit. GALERA_CHECK_USER names a user with no privileges beyond USAGE in production.
out=$(timeout 1 mysql --protocol=tcp -h "$3" -P "$4" -u "${GALERA_CHECK_USER:-root}" --connect-timeout=1 -N -B \
  -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_ready')" 2>/dev/null) || exit 1
printf '%s\n' "$out" | grep -q '^wsrep_local_state[[:space:]]4$' && printf '%s\n' "$out" | grep -q '^wsrep_ready[[:space:]]ON$'
