import net from "node:net";

/**
 * A small keep-alive HTTP/1.1 client over raw sockets for the waiting-room simulation
 * (bench/queue-drop.ts): 5,000 shoppers polling once a second are ~5,000 requests a second from
 * the load generator, on a machine whose two cores also run the front and the app. node:http
 * spends several times more CPU per request than this (no header objects, no agent queue, one
 * Buffer scan per answer). It speaks exactly what the front answers: Content-Length or chunked
 * bodies, `Connection: close` (nginx's keepalive_requests) answered by a fresh socket.
 */
/** `sentAt`: epoch ms the request left on its socket (after any wait for a free one). */
export type WireResponse = { status: number; cache: string; body: string; sentAt: number };

type Pending = { head: Buffer; sentAt: number; resolve: (r: WireResponse) => void; reject: (e: Error) => void; retriable: boolean; tries: number };

const CRLF2 = Buffer.from("\r\n\r\n");

class Conn {
  private socket: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  current: Pending | null = null;

  constructor(
    private readonly pool: WirePool,
    private readonly host: string,
    private readonly port: number,
  ) {}

  send(p: Pending) {
    this.current = p;
    p.sentAt = Date.now();
    if (!this.socket) this.open();
    this.socket!.write(p.head);
  }

  private open() {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    s.setKeepAlive(true);
    s.on("data", (d: Buffer) => this.onData(d));
    const dead = (err?: Error) => {
      if (this.socket !== s) return;
      this.socket = null;
      this.buf = Buffer.alloc(0);
      const p = this.current;
      this.current = null;
      if (p) this.pool.failed(p, err ?? new Error("connection closed before the answer"));
      this.pool.idle(this);
    };
    s.on("error", dead);
    s.on("close", () => dead());
    this.socket = s;
  }

  private onData(d: Buffer) {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const end = this.buf.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.buf.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    let length = -1;
    let chunked = false;
    let close = false;
    let cache = "";
    for (const line of head.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") length = Number(value);
      else if (name === "transfer-encoding") chunked = value.toLowerCase().includes("chunked");
      else if (name === "connection") close = value.toLowerCase() === "close";
      else if (name === "x-front-cache") cache = value;
    }
    let body: Buffer;
    let used: number;
    const start = end + 4;
    if (chunked) {
      const parts: Buffer[] = [];
      let at = start;
      for (;;) {
        const eol = this.buf.indexOf("\r\n", at);
        if (eol < 0) return;
        const size = parseInt(this.buf.toString("latin1", at, eol), 16);
        if (size === 0) {
          const fin = this.buf.indexOf(CRLF2, eol);
          if (fin < 0) return;
          used = fin + 4;
          break;
        }
        if (this.buf.length < eol + 2 + size + 2) return;
        parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const n = Math.max(0, length);
      if (this.buf.length < start + n) return;
      body = this.buf.subarray(start, start + n);
      used = start + n;
    }
    const p = this.current!;
    this.current = null;
    this.buf = this.buf.length > used ? this.buf.subarray(used) : Buffer.alloc(0);
    if (close) {
      const s = this.socket;
      this.socket = null;
      s?.destroy();
    }
    p.resolve({ status, cache, body: body.toString("utf8"), sentAt: p.sentAt });
    this.pool.idle(this);
  }

  destroy() {
    this.socket?.destroy();
    this.socket = null;
  }
}

export class WirePool {
  private readonly free: Conn[] = [];
  private readonly queue: Pending[] = [];
  private readonly all: Conn[] = [];
  private readonly hostHeader: string;

  constructor(
    readonly base: URL,
    sockets: number,
  ) {
    this.hostHeader = base.host;
    for (let i = 0; i < sockets; i++) {
      const c = new Conn(this, base.hostname, Number(base.port));
      this.all.push(c);
      this.free.push(c);
    }
  }

  /** Requests waiting for a free socket (the client's own backlog: if it grows, the client is the bottleneck). */
  get backlog() {
    return this.queue.length;
  }

  request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<WireResponse> {
    const payload = body === undefined ? null : Buffer.from(body);
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (payload) head += `Content-Length: ${payload.length}\r\n`;
    head += "\r\n";
    const bytes = payload ? Buffer.concat([Buffer.from(head, "latin1"), payload]) : Buffer.from(head, "latin1");
    return new Promise((resolve, reject) => this.dispatch({ head: bytes, sentAt: 0, resolve, reject, retriable: method === "GET", tries: 0 }));
  }

  private dispatch(p: Pending) {
    const c = this.free.pop();
    if (c) c.send(p);
    else this.queue.push(p);
  }

  /** @internal */
  idle(c: Conn) {
    if (c.current) return;
    const next = this.queue.shift();
    if (next) c.send(next);
    else if (!this.free.includes(c)) this.free.push(c);
  }

  /** @internal A socket died under a request: a GET goes again on a fresh socket (twice at most), anything else fails. */
  failed(p: Pending, err: Error) {
    if (p.retriable && p.tries < 2) {
      p.tries++;
      this.queue.unshift(p);
    } else p.reject(err);
  }

  close() {
    for (const c of this.all) c.destroy();
  }
}
