/**
 * bench/queue-drop.ts imports this first, before any lib module (lib/platform/env.ts reads
 * process.env once): the waiting-room simulation's own database, Redis database, ports, secret
 * and the drop's shape. `npm run bench:queue -- --help`.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    shoppers: { type: "string", default: "5000" },
    prequeue: { type: "string", default: "0.6" },
    "before-s": { type: "string", default: "60" },
    "after-s": { type: "string", default: "25" },
    stock: { type: "string", default: "100" },
    "admit-per-second": { type: "string", default: "4" },
    difficulty: { type: "string", default: "4" },
    "poll-ms": { type: "string", default: "1000" },
    "poll-phase": { type: "string", default: "aligned" },
    clients: { type: "string", default: "2" },
    workers: { type: "string", default: "2" },
    port: { type: "string", default: "3791" },
    "database-url": { type: "string", default: process.env.BENCH_QUEUE_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/stockroom_bench_queue" },
    "redis-url": { type: "string", default: process.env.BENCH_QUEUE_REDIS_URL ?? "redis://127.0.0.1:6379/12" },
    build: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run bench:queue -- [options]   a drop through the waiting room, over HTTP through the front
  --shoppers N          signed-in shoppers, each solving the challenge, joining, polling (default 5000)
  --prequeue F          the share of them who arrive before the launch (default 0.6)
  --before-s S          they arrive over the S seconds before the launch (default 60)
  --after-s S           the rest over the S seconds after it (default 25)
  --stock N             units in the drop, 1 per customer (default 100)
  --admit-per-second N  the waiting room's rate (default 4: 100 units take about 25 s, so every
                        shopper is in line, polling, when they sell out)
  --difficulty N        the proof-of-work's difficulty for this run (default 4; the owner's default is 500)
  --poll-ms N           how often a waiting shopper asks the line's status (default 1000, like the page)
  --poll-phase P        aligned: each shopper polls at its own moment 20-620 ms after the second turns,
                        when the front's entry for that second is new; random: pollMs after each answer
                        (default aligned)
  --clients N           load-generating processes the shoppers and bots are spread over (default 2)
  --workers N           the app's worker processes (default 2)
  --port N              the front's port; the app's is the next one (default 3791)
  --database-url URL    its own database, recreated (default mysql://root@127.0.0.1:3306/stockroom_bench_queue)
  --redis-url URL       its own Redis database, flushed (default redis://127.0.0.1:6379/12)
  --build               rebuild .next-bench first (built anyway when missing)
`);
  process.exit(0);
}

const whole = (name: keyof typeof values, min: number) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${String(values[name])}"`);
  return n;
};

export const queueOpts = {
  shoppers: whole("shoppers", 10),
  prequeueShare: Math.min(1, Math.max(0, Number(values.prequeue))),
  beforeS: whole("before-s", 5),
  afterS: whole("after-s", 1),
  stock: whole("stock", 1),
  admitPerSecond: whole("admit-per-second", 1),
  difficulty: whole("difficulty", 1),
  pollMs: whole("poll-ms", 100),
  pollPhase: values["poll-phase"] === "random" ? ("random" as const) : ("aligned" as const),
  clients: whole("clients", 1),
  workers: whole("workers", 1),
  port: whole("port", 1024),
  databaseUrl: values["database-url"]!,
  redisUrl: values["redis-url"]!,
  build: values.build!,
};
if (values["poll-phase"] !== "random" && values["poll-phase"] !== "aligned") throw new Error(`--poll-phase must be aligned or random, got "${values["poll-phase"]}"`);
if (!/\/stockroom_[a-z0-9_]+$|\/sr_[a-z0-9_]+$/.test(new URL(queueOpts.databaseUrl).pathname)) throw new Error("--database-url must name a stockroom_* or sr_* scratch database (it is dropped)");
export const queueSecret = randomBytes(32).toString("hex");

Object.assign(process.env, {
  DATABASE_URL: queueOpts.databaseUrl,
  REDIS_URL: queueOpts.redisUrl,
  SESSION_SECRET: queueSecret,
  LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? "warn",
  SWEEP_INTERVAL: "0",
});
