import type { Socket } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";

/** Reads a message and keeps only its Message-ID (enough to count and time deliveries). */
async function headersOnly(stream: NodeJS.ReadableStream): Promise<ParsedMail> {
  let raw = "";
  for await (const chunk of stream) raw += String(chunk);
  const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1];
  return { messageId, attachments: [], headers: new Map(), headerLines: [], html: false } as ParsedMail;
}

/** The test SMTP servers' ports: SMTP_PORT_BASE (2525) plus each file's offset, so two runs side by side can move them. */
export const smtpTestPort = (offset: number) => Number(process.env.SMTP_PORT_BASE ?? 2525) + offset;

/** What the test SMTP server took in: the parsed message, its envelope and when it arrived. */
export type Received = { mail: ParsedMail; messageId: string; rcptTo: string[]; at: number };

/**
 * A real SMTP server in the test process (smtp-server), parsing what it receives (mailparser).
 * `refuse`: the next n messages get a 421 at MAIL FROM (a server that is down for a while);
 * `reject`: a 5xx for every message; `dropAfterData`: the next n messages are taken in whole,
 * then the connection is cut before the 250 (the sender cannot know they arrived).
 */
export class TestSmtp {
  received: Received[] = [];
  refuse = 0;
  reject = false;
  dropAfterData = 0;
  private sockets = new Map<number, Socket>();
  private server: SMTPServer;

  /** `parse: false` keeps only the Message-ID (a latency run: the parse would compete with the relay for this process's CPU). */
  constructor(
    readonly port: number,
    private readonly parse = true,
  ) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        if (this.reject) return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
        if (this.refuse > 0) {
          this.refuse--;
          return callback(Object.assign(new Error("try again later"), { responseCode: 421 }));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        (this.parse ? simpleParser(stream) : headersOnly(stream))
          .then((mail) => {
            this.received.push({ mail, messageId: mail.messageId ?? "", rcptTo: session.envelope.rcptTo.map((r) => r.address), at: Date.now() });
            if (this.dropAfterData > 0) {
              this.dropAfterData--;
              this.socketOf(session)?.destroy();
              return;
            }
            callback();
          })
          .catch(callback);
      },
    });
    // A client that dies mid-session (a relay SIGKILLed) resets its connection: that is the test, not a failure.
    this.server.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "ECONNRESET" && e.code !== "EPIPE") throw e;
    });
    this.server.server.on("connection", (s: Socket) => {
      if (s.remotePort) this.sockets.set(s.remotePort, s);
      s.on("close", () => s.remotePort && this.sockets.delete(s.remotePort));
    });
  }

  private socketOf(session: SMTPServerSession) {
    return this.sockets.get(session.remotePort);
  }

  listen() {
    return new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
  }

  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  distinctMessageIds() {
    return new Set(this.received.map((r) => r.messageId)).size;
  }

  reset() {
    this.received = [];
    this.refuse = 0;
    this.reject = false;
    this.dropAfterData = 0;
  }
}
