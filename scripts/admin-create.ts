// `npm run admin:create [-- USERNAME]`: creates an admin, or resets an existing admin's password
// (ending its sessions). The username: the argument, else ADMIN_USERNAME, else "admin". The
// password: ADMIN_PASSWORD, else asked twice on the terminal without echo; with neither (a pipe,
// a CI job) it refuses. Like the seed it needs only DATABASE_URL, also in production (compiled to
// dist/db/admin-create.mjs by `npm run build`).
import { closeDb } from "@/db";
import { KNOWN_PASSWORDS } from "@/db/seed";
import { createOrResetAdmin } from "@/lib/auth/admin-account";
import { SESSION_CACHE_MS } from "@/lib/auth/session-ttl";
import { isAppError } from "@/lib/errors";

class Refused extends Error {}

/** Reads one line from the terminal with echo off; Ctrl-C or Ctrl-D gives up. */
function askHidden(prompt: string): Promise<string> {
  const { stdin, stdout } = process;
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      stdout.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003" || ch === "\u0004") return done(new Refused("cancelled"));
        if (ch === "\u007f" || ch === "\b") typed = [...typed].slice(0, -1).join("");
        else if (ch >= " ") typed += ch;
      }
    };
    // Echo off before the prompt shows, so nothing typed after it can be echoed.
    stdin.setRawMode(true);
    stdout.write(prompt);
    stdin.resume();
    stdin.on("data", onData);
  });
}

async function password(username: string): Promise<string> {
  const fromEnv = process.env.ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new Refused("no password: set ADMIN_PASSWORD, or run this in a terminal to be asked for one.");
  const first = await askHidden(`Password for ${username} (at least 8 characters): `);
  const again = await askHidden("Again: ");
  if (first !== again) throw new Refused("the two passwords differ; nothing was changed.");
  return first;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0]?.startsWith("-")) {
    console.error("usage: npm run admin:create [-- USERNAME]   (password from ADMIN_PASSWORD, else asked)");
    return 2;
  }
  const username = args[0] ?? (process.env.ADMIN_USERNAME || "admin");
  try {
    const secret = await password(username);
    if (KNOWN_PASSWORDS.includes(secret)) throw new Refused("that is one of the demo's published passwords: choose another.");
    const admin = await createOrResetAdmin({ username, password: secret });
    console.log(
      admin.outcome === "created"
        ? `Created the admin ${admin.username}`
        : `Reset the password of the admin ${admin.username}; ${admin.sessionsEnded} session(s) ended (a server that read one in the last ${SESSION_CACHE_MS / 1000} s may accept it until its copy in Redis expires)`,
    );
    return 0;
  } catch (e) {
    if (e instanceof Refused || isAppError(e)) console.error(`admin:create refused: ${e.message}`);
    else console.error(`admin:create failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await closeDb();
  }
}

process.exitCode = await main();
