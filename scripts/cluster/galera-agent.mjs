#!/usr/bin/env node
// HAProxy's agent for the Galera nodes (agent-check in scripts/cluster/haproxy.cfg.template),
// run beside HAProxy: one process keeps one connection to each node and asks it every
// POLL_MS for wsrep_local_state and wsrep_ready; each node's agent port answers from what it
// last heard, at once, however busy the machine is (no client forked per check, unlike the
// external check script it replaces).
//
//   node scripts/cluster/galera-agent.mjs AGENT_PORT=HOST:SQL_PORT ...   (GALERA_CHECK_USER, default root)
//
// A node's answer, "up" or "down":
//   down  the node said it is not Synced (a joiner, a donor, a node cut off from the primary
//         component) or refused the connection (dead): what the node says, or that nothing
//         listens, is taken at its word, even for the last node;
//   down  the node has not answered for STALE_MS (frozen, or hopelessly slow), but only while
//         another node answered recently and is Synced: a busy machine slows every node at
//         once, and then the tier keeps its nodes rather than having none;
//   up    otherwise, once the node has said Synced for RISE_MS in a row after a state change,
//         or for SILENCE_RISE_MS after a silence: a node let go after a freeze says Synced for a
//         few seconds before it notices the others dropped it (evs.suspect_timeout).
import net from "node:net";
import mysql from "mysql2/promise";

const POLL_MS = 500;
const STALE_MS = Number(process.env.GALERA_AGENT_STALE_MS ?? 5000);
const RISE_MS = 2000;
const SILENCE_RISE_MS = Number(process.env.GALERA_AGENT_SILENCE_RISE_MS ?? 8000);
const user = process.env.GALERA_CHECK_USER ?? "root";

const nodes = process.argv.slice(2).map((arg) => {
  const [agentPort, address] = arg.split("=");
  const [host, port] = address.split(":");
  // lastHeard: when the node last answered; synced: what it said; refused: nothing listens.
  // syncedSince: since when it has said Synced without a gap.
  return { agentPort: Number(agentPort), host, port: Number(port), conn: null, lastHeard: 0, synced: false, syncedSince: 0, rise: RISE_MS, refused: false, said: "not heard yet" };
});
if (nodes.length === 0 || nodes.some((n) => !n.agentPort || !n.port)) {
  console.error("usage: galera-agent.mjs AGENT_PORT=HOST:SQL_PORT ...");
  process.exit(2);
}

const fresh = (n, now) => now - n.lastHeard < STALE_MS;

async function poll(n) {
  try {
    n.conn ??= await mysql.createConnection({ host: n.host, port: n.port, user, connectTimeout: STALE_MS });
    const [rows] = await n.conn.query({ sql: "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_ready')", timeout: 4 * STALE_MS });
    const status = new Map(rows.map((r) => [r.Variable_name, r.Value]));
    const synced = status.get("wsrep_local_state") === "4" && status.get("wsrep_ready") === "ON";
    if (synced && (!n.synced || n.refused || !fresh(n, Date.now()))) {
      n.rise = n.lastHeard > 0 && !fresh(n, Date.now()) ? SILENCE_RISE_MS : RISE_MS;
      n.syncedSince = Date.now();
    }
    n.synced = synced;
    n.said = `wsrep_local_state ${status.get("wsrep_local_state")}, wsrep_ready ${status.get("wsrep_ready")}`;
    n.refused = false;
    n.lastHeard = Date.now();
  } catch (e) {
    n.conn?.destroy();
    n.conn = null;
    n.refused = e.code === "ECONNREFUSED";
    if (n.refused) n.said = "connection refused";
  }
}

async function loop(n) {
  for (;;) {
    const started = Date.now();
    await poll(n);
    await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (Date.now() - started))));
  }
}

function verdict(n) {
  const now = Date.now();
  if (n.refused) return "down";
  if (fresh(n, now)) return n.synced && now - n.syncedSince >= n.rise ? "up" : "down";
  const anotherServes = nodes.some((o) => o !== n && !o.refused && fresh(o, now) && o.synced);
  return anotherServes ? "down" : "up";
}

for (const n of nodes) {
  void loop(n);
  net
    .createServer((socket) => {
      socket.on("error", () => {});
      socket.end(`${verdict(n)}\n`);
    })
    .listen(n.agentPort, "127.0.0.1");
}
// Every change of a node's answer, for the rig's log.
const told = new Map();
setInterval(() => {
  for (const n of nodes) {
    const now = verdict(n);
    if (n.lastHeard > 0 && told.get(n) !== now) console.log(`${new Date().toISOString()} ${n.host}:${n.port} ${now} (${n.said}, heard ${Date.now() - n.lastHeard} ms ago)`);
    told.set(n, now);
  }
}, POLL_MS);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(0));
