// Exits 1 with a clear message when a port the demo needs is taken, before anything starts:
// otherwise nginx prints `bind() failed` while the workers keep running and another program
// answers the shop's address. A port is free when this process can listen on it on every
// address (IPv6 and IPv4, as the front's `listen PORT` and a browser's `localhost` may use either).
//
//   node scripts/ports-free.mjs front=3000 worker=3001 worker=3002
import { execFileSync } from "node:child_process";
import net from "node:net";

/** Resolves with null when `port` can be listened on at `host`, else with the error's code. */
function tryListen(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (e) => resolve(e.code ?? String(e)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

async function taken(port) {
  const v6 = await tryListen(port, "::");
  // A machine without IPv6 still has IPv4's wildcard to try.
  if (v6 === "EAFNOSUPPORT" || v6 === "EADDRNOTAVAIL") return tryListen(port, "0.0.0.0");
  return v6;
}

/** Who holds the port, when `ss` can tell (it names processes of this user, or all when root). */
function holder(port) {
  try {
    const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const names = [...out.matchAll(/\("([^"]+)",pid=(\d+)/g)].map(([, name, pid]) => `${name}, pid ${pid}`);
    return names.length ? ` (${[...new Set(names)].join("; ")})` : "";
  } catch {
    return "";
  }
}

const wanted = process.argv.slice(2).map((arg) => {
  const [role, value] = arg.includes("=") ? arg.split("=", 2) : ["port", arg];
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`ports-free: ${arg} is not a port (1-65535)`);
    process.exit(2);
  }
  return { role, port };
});

let failed = false;
for (const { role, port } of wanted) {
  const code = await taken(port);
  if (!code) continue;
  failed = true;
  const why = code === "EADDRINUSE" ? `another program already listens on it${holder(port)}` : code === "EACCES" ? "this user may not listen on it (ports under 1024 need root)" : `it cannot be listened on (${code})`;
  console.error(`Port ${port} (the ${role}) is not free: ${why}.`);
}
if (failed) {
  console.error("Stop that program, or choose other ports, e.g. PORT=3100 npm run demo (the front on PORT, its workers on PORT+1 and up; APP_PORT moves the workers).");
  process.exit(1);
}
