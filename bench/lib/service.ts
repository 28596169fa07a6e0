import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Shopper } from "@/tests/support/fixtures";
import type { Outcome } from "./load";
import type { Strategy } from "./options";
import { checkoutMetricsFrom, metricsSince, type CheckoutMetrics } from "@/tests/support/prometheus";
import type { Target } from "./targets";

/** What the bench asks the service process (./service-process.ts), and what it answers. */
export type Request = { id: number } & (
  | { op: "order"; userId: number; addressId: number; key: string; strategy: string }
  | { op: "noop" }
  | { op: "metrics" }
  | { op: "recorder" }
  | { op: "profile-start" }
  | { op: "profile-stop"; file: string }
);
export type Reply = { id: number; code?: string; ok?: boolean; text?: string; error?: string };

type Ask<R = Request> = R extends Request ? Omit<R, "id"> : never;

/**
 * The service path's server: one Node process running placeOrder for the bench, no HTTP, no
 * session lookup, no JSON body; what the route handler does after authenticating, plus reading
 * one small IPC message per order and its share of one answer per event-loop turn (the `noop`
 * call measures that channel alone). It inherits the bench's environment (database, Redis,
 * DB_POOL_SIZE).
 */
export class ServiceProcess {
  private next = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();

  private constructor(readonly child: ChildProcess) {
    // The service process answers in arrays: every reply it had ready in one turn of its event loop.
    child.on("message", (replies: Reply[]) => {
      for (const reply of replies) {
        this.waiting.get(reply.id)?.(reply);
        this.waiting.delete(reply.id);
      }
    });
  }

  static async start(): Promise<ServiceProcess> {
    // Under tsx, execArgv carries its loader and `--conditions=react-server`; the child needs both.
    const child = fork(path.join(import.meta.dirname, "service-process.ts"), [], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const ready = new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`the service process exited (${code}) before it was ready`)));
    });
    const service = new ServiceProcess(child);
    await ready;
    return service;
  }

  get pid(): number {
    return this.child.pid!;
  }

  async ask(req: Ask): Promise<Reply> {
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...req, id }, (e) => e && reject(e));
    });
    if (reply.error) throw new Error(`service process: ${reply.error}`);
    return reply;
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Orders into the service process with the strategy as an argument. Outcomes are named as the
 * route would answer them ("201", "409 OUT_OF_STOCK", ...); anything that is not an AppError is
 * a bug and surfaces as "ERR ...", which fails the cell.
 */
export class ServiceOrders implements Target {
  readonly workers = 1;
  private before?: CheckoutMetrics;

  constructor(
    readonly service: ServiceProcess,
    readonly strategy: Strategy,
  ) {}

  async order(shopper: Shopper, idempotencyKey: string): Promise<Outcome> {
    const { code, ok } = await this.service.ask({ op: "order", userId: shopper.id, addressId: shopper.addressId, key: idempotencyKey, strategy: this.strategy });
    return { code: code!, ok: ok! };
  }

  /** The counters as the service process's registry holds them: the same exposition a server's /api/metrics answers. */
  private async counters(): Promise<CheckoutMetrics> {
    return checkoutMetricsFrom((await this.service.ask({ op: "metrics" })).text!);
  }

  async resetMetrics() {
    this.before = await this.counters();
  }

  async readMetrics(): Promise<CheckoutMetrics> {
    const now = await this.counters();
    return metricsSince(this.before ?? now, now);
  }
}
