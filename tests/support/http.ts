import http from "node:http";

export type HttpResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * A minimal keep-alive HTTP client over node:http: cheaper per request than fetch, so the
 * load generator (which shares the machine's cores with the server) steals less CPU.
 */
export class HttpClient {
  readonly agent: http.Agent;

  constructor(
    readonly base: URL,
    sockets: number,
    readonly timeoutMs = 60_000,
  ) {
    // Idle sockets close after 4 s, before the server's 5 s keep-alive timeout: otherwise a request
    // can go out on a socket the server is closing at that moment (ECONNRESET).
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, timeout: 4_000 });
  }

  request(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? Buffer.from(body) : body;
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: { host: this.base.host, ...headers, ...(payload ? { "content-length": String(payload.length) } : {}) },
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
          // After "end" this changes nothing; before it, the answer was cut off.
          res.on("close", () => reject(new Error("the answer was cut off")));
        },
      );
      let answered = false;
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`request timed out after ${this.timeoutMs} ms`)));
      req.on("error", reject);
      // A connection closed with no answer and no error would otherwise leave the caller waiting forever.
      req.on("close", () => {
        if (!answered) reject(new Error("the connection closed without an answer"));
      });
      req.end(payload);
    });
  }

  async json<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; data: T }> {
    const res = await this.request(method, path, body === undefined ? headers : { "content-type": "application/json", ...headers }, body === undefined ? undefined : JSON.stringify(body));
    return { status: res.status, data: (res.body ? JSON.parse(res.body) : null) as T };
  }

  close() {
    this.agent.destroy();
  }
}
