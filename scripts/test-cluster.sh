#!/usr/bin/env bash
# Scale-out test (issues 9, 27 and 38): builds into .next-cluster while scripts/cluster-rig.sh
# starts a 3-node Galera cluster behind HAProxy and a Redis Cluster of 3 masters with a replica
# each, then runs the cart store tests on the Redis Cluster, the checkout race through the front
# and three `next start` processes (tests/cluster/run.ts), and one race per fault: a Galera
# writer, a Redis master and an app server SIGKILLed, a Galera node frozen for 10 s, then the
# machine starved by a CPU hog (stress-ng) alone and beside the Redis master's death
# (tests/cluster/faults.ts; each race's history checked by tests/cluster/history.ts).
# With hosts of their own for every node (RIG_NETNS=1, the default as root where `ip netns`
# works; RIG_NETNS=0 keeps everything on loopback), two partition races follow: a Galera node
# partitioned alone and a Redis master split from its replica with clients on both sides
# (tests/cluster/partitions.ts). Everything the rig started is stopped and deleted on exit.
# CLUSTER_SKIP_BUILD=1 reuses a build; CLUSTER_FAULTS=a,c,h,b+hog,g-alone runs only those fault
# races, CLUSTER_FAULTS=none none of them, CLUSTER_FAULTS=all every one (the three other
# partition races too: app-cut, slow, kill+split); CLUSTER_HOG=all runs every fault race beside
# the CPU hog (the long variant, ~2x the time).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
export NEXT_DIST_DIR=.next-cluster NEXT_TELEMETRY_DISABLED=1
# Same key at build and at start in every process, so server actions work across processes.
NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=${NEXT_SERVER_ACTIONS_ENCRYPTION_KEY:-$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')}
export NEXT_SERVER_ACTIONS_ENCRYPTION_KEY
mkdir -p artifacts/cluster
if [ -z "${RIG_NETNS:-}" ]; then
  RIG_NETNS=0
  if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns list >/dev/null 2>&1; then RIG_NETNS=1; fi
fi
export RIG_NETNS

build_pid=
cleanup() {
  [ -n "$build_pid" ] && kill "$build_pid" 2>/dev/null || true
  bash scripts/cluster-rig.sh stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SECONDS=0
if [ "${CLUSTER_SKIP_BUILD:-0}" = 1 ] && [ -f .next-cluster/BUILD_ID ]; then
  echo "== reusing the build in .next-cluster"
else
  echo "== production build into .next-cluster (log: artifacts/cluster/build.log), while the rig starts"
  # Without the build's type check: that is `npm test`'s job (scripts/test.sh), and the rig waits on this build.
  SESSION_SECRET=build-only-secret-build-only-secret-00 NEXT_BUILD_TYPECHECK=0 NODE_ENV=production npx next build >artifacts/cluster/build.log 2>&1 &
  build_pid=$!
fi

echo "== cluster rig ($([ "$RIG_NETNS" = 1 ] && echo "a network namespace per node" || echo "everything on loopback"))"
bash scripts/cluster-rig.sh start

if [ -n "$build_pid" ]; then
  if ! wait "$build_pid"; then build_pid=; tail -n 30 artifacts/cluster/build.log; echo "next build failed"; exit 1; fi
  build_pid=
  echo "== build done (${SECONDS}s)"
fi

echo "== cart store on the Redis Cluster (vitest)"
npx vitest run -c vitest.cluster.config.ts

echo "== checkout race: 3 app processes behind the front, multi-writer then single-writer Galera"
npx tsx --conditions=react-server tests/cluster/run.ts

echo "== images: uploaded through one app server, served by the others and through the front"
npx tsx --conditions=react-server tests/cluster/images.ts

if [ "${CLUSTER_FAULTS:-}" != none ]; then
  echo "== fault races: a node of each tier dies mid-race, the machine starved by a CPU hog, then partitions"
  npx tsx --conditions=react-server tests/cluster/faults.ts
fi
echo "== cluster test passed in ${SECONDS}s"
