import net from "node:net";

/**
 * A TCP proxy between the server and MariaDB that understands just enough of the MySQL protocol
 * (3-byte length, sequence byte, payload; COM_QUERY = 0x03) to act on a query that commits (a
 * `COMMIT` alone, or the last statements of the checkout's transaction ending in one):
 * - `drop`: cut the connection instead of sending the COMMIT (the transaction rolls back);
 * - `ack-lost`: send it, let MariaDB commit, then cut before its OK reaches the server;
 * - `reply-held`: send it, let MariaDB commit, then keep its OK (and all that follows on that
 *   connection) from the server, which waits until it is killed: a crash between COMMIT and
 *   whatever the server does after it;
 * - `delay`: hold every COMMIT for `delayMs` (slow in-flight checkouts for the SIGTERM test);
 * - `start-cut`: cut the connection instead of sending a query that starts a transaction (a
 *   connection that died in the pool: nothing committed on it), `times` times (1 if not given).
 * `drop`, `ack-lost`, `reply-held` fire once, then the proxy passes everything again.
 */
export type CommitFault = { kind: "drop" } | { kind: "ack-lost" } | { kind: "reply-held" } | { kind: "delay"; delayMs: number } | { kind: "start-cut"; times?: number };

const COM_QUERY = 0x03;

/** A query that commits: `COMMIT` alone, or among its statements (the checkout's last query, db/index.ts `commitWith`). */
const commits = (statement: string) => statement.split(";").some((s) => s.trim() === "commit");

export class CommitProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  fault?: CommitFault;
  /** COMMITs seen, and those being held by `delay` right now. */
  commits = 0;
  held = 0;

  constructor(
    readonly port: number,
    readonly targetPort: number,
  ) {}

  /** The port it listens on (the one given, or the one the system chose for 0). */
  get boundPort(): number {
    return (this.server?.address() as net.AddressInfo | null)?.port ?? this.port;
  }

  start(): Promise<void> {
    this.server = net.createServer((client) => this.connect(client));
    return new Promise((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.port, "127.0.0.1", () => resolve());
    });
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r) ?? r(undefined));
  }

  private connect(client: net.Socket) {
    const upstream = net.connect({ host: "127.0.0.1", port: this.targetPort });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Graceful ends pass through, so a pool closing cleanly (COM_QUIT, FIN) looks clean to MariaDB.
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());

    let onReply: "pass" | "cut" | "hold" = "pass";
    upstream.on("data", (chunk: Buffer) => {
      if (onReply === "hold") return;
      if (onReply === "cut") {
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });

    // Client -> server packets, one at a time and in order (a held COMMIT holds what follows).
    let pending = Buffer.alloc(0);
    let chain = Promise.resolve();
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readUIntLE(0, 3);
        if (pending.length < 4 + length) break;
        const packet = pending.subarray(0, 4 + length);
        pending = pending.subarray(4 + length);
        const statement = packet[4] === COM_QUERY ? packet.subarray(5).toString("utf8").trim().toLowerCase() : "";
        chain = chain.then(() => this.forward(packet, statement, client, upstream, (then) => (onReply = then)));
      }
    });
  }

  private async forward(packet: Buffer, statement: string, client: net.Socket, upstream: net.Socket, onReply: (then: "cut" | "hold") => void) {
    if (client.destroyed || upstream.destroyed) return;
    if (this.fault?.kind === "start-cut" && statement.startsWith("start transaction")) {
      const left = (this.fault.times ?? 1) - 1;
      this.fault = left > 0 ? { kind: "start-cut", times: left } : undefined;
      client.destroy();
      upstream.destroy();
      return;
    }
    if (!commits(statement) || !this.fault || this.fault.kind === "start-cut") {
      upstream.write(packet);
      return;
    }
    this.commits++;
    const fault = this.fault;
    if (fault.kind === "delay") {
      this.held++;
      await new Promise((r) => setTimeout(r, fault.delayMs));
      this.held--;
      upstream.write(packet);
      return;
    }
    this.fault = undefined;
    if (fault.kind === "drop") {
      client.destroy();
      upstream.destroy();
    } else {
      onReply(fault.kind === "ack-lost" ? "cut" : "hold");
      upstream.write(packet);
    }
  }
}
