/**
 * Service mode's server: a process of its own that calls placeOrder for the bench over the IPC
 * channel of `fork()`, so the CPU it uses (read from /proc) is the service's alone and the load
 * client (the bench process, which also fills carts) is measured apart. Its configuration is
 * the bench's environment, which bench/lib/setup-env.ts set before forking.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { closeDb } from "@/db";
import { AppError } from "@/lib/errors";
import { startDropRecorder, stopDropRecorder } from "@/lib/drops/recorder";
import { placeOrder } from "@/lib/orders/checkout";
import { metrics } from "@/lib/platform/metrics/registry";
import { closeRedis } from "@/lib/platform/redis";
import type { Request, Reply } from "./service";
import type { Strategy } from "./options";

let profiler: Session | undefined;

async function handle(req: Request): Promise<Reply> {
  switch (req.op) {
    case "order":
      try {
        const { created } = await placeOrder({ userId: req.userId, addressId: req.addressId, payMethod: "cod", idempotencyKey: req.key }, req.strategy as Strategy);
        return { id: req.id, code: created ? "201" : "200", ok: created };
      } catch (e) {
        if (e instanceof AppError) return { id: req.id, code: `${e.status} ${e.code}`, ok: false };
        throw e;
      }
    case "noop":
      return { id: req.id, code: "200", ok: true };
    case "metrics":
      return { id: req.id, text: await metrics().registry.metrics() };
    case "recorder":
      return { id: req.id, ok: startDropRecorder() };
    case "profile-start":
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
      return { id: req.id, ok: true };
    case "profile-stop": {
      const { profile } = await profiler!.post("Profiler.stop");
      profiler!.disconnect();
      await writeFile(req.file, JSON.stringify(profile));
      return { id: req.id, ok: true };
    }
  }
}

/**
 * Answers go back together, one message per turn of the event loop: a batch's orders settle in
 * one turn, and a message each cost this process a write to the channel (and a wake-up of the
 * bench) per order, the harness's work and not the checkout's (1.31 write calls per order in
 * all, 0.32 since).
 */
let outbox: Reply[] = [];
function answer(reply: Reply) {
  if (outbox.push(reply) > 1) return;
  setImmediate(() => {
    const replies = outbox;
    outbox = [];
    process.send!(replies);
  });
}

process.on("message", (req: Request) => {
  handle(req).then(answer, (e: unknown) => answer({ id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});

// The bench closes the channel when it is done with this process (or dies).
process.on("disconnect", () => {
  stopDropRecorder();
  void Promise.all([closeRedis(), closeDb()]).finally(() => process.exit(0));
});
process.send!([{ id: 0, ok: true }] satisfies Reply[]);
