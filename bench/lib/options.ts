import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { CHECKOUT_STRATEGIES } from "@/lib/platform/env";

/**
 * `hot3` is `hot` with the SKU's stock over three locations (the first two small, so the run
 * drains one into the next and splits lines across them).
 * `drop` runs once per strategy and mode, not per W: DROP.shoppers at once (./drop.ts). `crowd`
 * (http only) runs once per worker count: the public pages' throughput, then each strategy's
 * buyers alone and among viewers (./crowd.ts).
 */
export const SCENARIOS = ["hot", "hot3", "sellout", "spread", "drop", "crowd"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** http: POST /api/orders on `next start`; service: placeOrder called in this process, no HTTP. */
export const MODES = ["http", "service"] as const;
export type Mode = (typeof MODES)[number];
export type Strategy = (typeof CHECKOUT_STRATEGIES)[number];

export type Options = {
  strategies: Strategy[];
  concurrency: number[];
  /** Worker processes per HTTP server (the launcher's WEB_CONCURRENCY); every http cell runs at each. */
  workers: number[];
  scenarios: ScenarioName[];
  modes: Mode[];
  durationS: number;
  /** Seconds of untimed load before the first cell: per server, and per strategy in service mode (warmUp in run.ts). */
  warmUpS: number;
  /** Requests per sell-out cell: max(this, 8 x W); the SKU's stock is a quarter of it. */
  selloutDemand: number;
  actionConcurrency: number[];
  actionDurationS: number;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /**
   * own: the bench starts a mariadbd and a redis-server of its own (./services.ts), so the CPU
   * their processes use is the bench's alone; shared: the machine's (other work on them counts too).
   */
  services: "own" | "shared";
  /** Own services: mariadbd listens here, redis-server on the next port. */
  servicesPort: number;
  /** DB_POOL_SIZE of every server and of this process (service mode): the same as a server's default. */
  poolSize: number;
  build: boolean;
  profile: boolean;
  /** The strategy whose server --profile records. */
  profileStrategy: Strategy;
  /** Worker processes of the profiled server (each writes its own profile). */
  profileWorkers: number;
  docs: boolean;
  /** The outbox A/B in service mode (./outbox-ab.ts): 4N hot windows and N rounds of drops; 0 skips it. */
  outboxAb: number;
  /** HTTP, hot, W=64: rounds of a trivial-route slice then a checkout slice on the same server (./cpu-ratio.ts); 0 skips them. */
  ratioRounds: number;
  /** Seconds of the same alternating slices before the measured rounds, not counted: the ratio is a warm server's. */
  ratioWarmUpS: number;
};

const HELP = `npm run bench -- [options]   (every option also reads BENCH_<NAME>, e.g. BENCH_STRATEGIES)

  --strategies a,b        checkout strategies (default: ${CHECKOUT_STRATEGIES.join(",")})
  --concurrency 1,16,...  shoppers in flight per cell (default: 1,16,64,256)
  --workers 1,N           worker processes per HTTP server (scripts/start.mjs's WEB_CONCURRENCY);
                          every http cell runs at each (default: 1,${availableParallelism()}, the cores)
  --scenarios a,b         ${SCENARIOS.join(",")} (default: all)
  --mode http,service     how orders are driven: http = POST /api/orders on next start,
                          service = placeOrder in this process (default: both, http first)
  --duration S            seconds per timed cell (default: 3)
  --warm-up S             seconds of untimed load before the first cell: per server, and per strategy
                          in service mode (default: 3)
  --sellout-demand N      minimum requests per sell-out cell (default: 800; 8 x W if larger)
  --action-concurrency    W values for the server-action comparison (default: 1,16; "" skips it)
  --action-duration S     seconds per server-action cell (default: 2)
  --port P                first port of the bench servers, one per strategy (default: 3300)
  --database-url URL      scratch database, dropped and recreated (default: mysql://root@127.0.0.1:3306/stockroom_bench)
  --redis-url URL         Redis database, flushed (default: redis://127.0.0.1:6379/9)
  --services own|shared   own (default): a mariadbd and a redis-server started by the bench on
                          their own ports and data folders, so their CPU per order is the bench's
                          alone; shared: the URLs above as given (other load on them counts too)
  --services-port P       own services: mariadbd on P, redis-server on P+1 (default: 3390); the
                          database and Redis URLs keep their names, on these ports
  --pool-size N           mysql2 connections per server, split across its workers, and for
                          service mode (default: 20)
  --no-build              reuse the existing .next-bench build (service mode alone never builds)
  --profile               also CPU-profile a server through one hot cell over HTTP (W=64), and the
                          service process through the same cell in service mode
  --profile-strategy S    the strategy profiled (default: batched if it runs, else the first)
  --profile-workers N     worker processes of the profiled server, each writing its own
                          profile (default: 1). NEXT_SERVER_MINIFY=0 with a build keeps the
                          server bundles' function names readable in the profiles
  --docs                  rewrite the table and machine sections of docs/benchmarks.md
  --outbox-ab N           service mode: the confirmation's outbox row with and without
                          (addresses with and without an e-mail): hot W=64 for 4N one-second
                          windows, the arm flipping between them, then N rounds of 4 drops per
                          arm (default: 0, skipped)
  --ratio-rounds N        http, hot, W=64, at each worker count: N rounds of a trivial-route slice
                          then a checkout slice (the profile strategy's), half a cell each, on the
                          same server, for app CPU per checkout against per trivial request
                          (default: 8; 0 skips them)
  --ratio-warm-up S       seconds of the same rounds first, not counted, so the ratio is measured
                          on a warm server rather than through V8's compiling (default: 30)
`;

function list<T extends string>(raw: string, allowed: readonly T[], what: string): T[] {
  const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`Unknown ${what} "${item}"; expected one of ${allowed.join(", ")}`);
  return items as T[];
}

function numbers(raw: string, what: string): number[] {
  const items = raw.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  for (const n of items) if (!Number.isInteger(n) || n < 1 || n > 4096) throw new Error(`${what} must be whole numbers 1-4096, got "${raw}"`);
  return items;
}

function positive(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number, got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[], envs: NodeJS.ProcessEnv = process.env): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      strategies: { type: "string" },
      concurrency: { type: "string" },
      workers: { type: "string" },
      scenarios: { type: "string" },
      mode: { type: "string" },
      duration: { type: "string" },
      "warm-up": { type: "string" },
      "sellout-demand": { type: "string" },
      "action-concurrency": { type: "string" },
      "action-duration": { type: "string" },
      port: { type: "string" },
      "database-url": { type: "string" },
      "redis-url": { type: "string" },
      "pool-size": { type: "string" },
      services: { type: "string" },
      "services-port": { type: "string" },
      "no-build": { type: "boolean" },
      profile: { type: "boolean" },
      "profile-strategy": { type: "string" },
      "profile-workers": { type: "string" },
      docs: { type: "boolean" },
      "outbox-ab": { type: "string" },
      "ratio-rounds": { type: "string" },
      "ratio-warm-up": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const pick = (name: keyof typeof values, envName: string, fallback: string) => {
    const v = values[name];
    return typeof v === "string" ? v : (envs[envName] ?? fallback);
  };
  const strategies = list(pick("strategies", "BENCH_STRATEGIES", CHECKOUT_STRATEGIES.join(",")), CHECKOUT_STRATEGIES, "strategy");
  const modes = list(pick("mode", "BENCH_MODE", MODES.join(",")), MODES, "mode");
  const services = list(pick("services", "BENCH_SERVICES", "own"), ["own", "shared"] as const, "services")[0] ?? "own";
  const servicesPort = positive(pick("services-port", "BENCH_SERVICES_PORT", "3390"), "--services-port");
  const onOwnPort = (raw: string, port: number) => {
    if (services === "shared") return raw;
    const url = new URL(raw);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    return url.toString();
  };
  const databaseUrl = onOwnPort(pick("database-url", "BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/stockroom_bench"), servicesPort);
  const options: Options = {
    strategies,
    concurrency: numbers(pick("concurrency", "BENCH_CONCURRENCY", "1,16,64,256"), "--concurrency"),
    workers: [...new Set(numbers(pick("workers", "BENCH_WORKERS", `1,${availableParallelism()}`), "--workers"))],
    scenarios: list(pick("scenarios", "BENCH_SCENARIOS", SCENARIOS.join(",")), SCENARIOS, "scenario"),
    modes,
    durationS: positive(pick("duration", "BENCH_DURATION", "3"), "--duration"),
    warmUpS: positive(pick("warm-up", "BENCH_WARM_UP", "3"), "--warm-up"),
    selloutDemand: positive(pick("sellout-demand", "BENCH_SELLOUT_DEMAND", "800"), "--sellout-demand"),
    actionConcurrency: numbers(pick("action-concurrency", "BENCH_ACTION_CONCURRENCY", "1,16"), "--action-concurrency"),
    actionDurationS: positive(pick("action-duration", "BENCH_ACTION_DURATION", "2"), "--action-duration"),
    port: positive(pick("port", "BENCH_PORT", "3300"), "--port"),
    databaseUrl,
    redisUrl: onOwnPort(pick("redis-url", "BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"), servicesPort + 1),
    services,
    servicesPort,
    poolSize: numbers(pick("pool-size", "BENCH_POOL_SIZE", "20"), "--pool-size")[0] ?? 20,
    build: !(values["no-build"] ?? envs.BENCH_NO_BUILD === "1") && modes.includes("http"),
    profile: values.profile ?? envs.BENCH_PROFILE === "1",
    profileStrategy: list(pick("profile-strategy", "BENCH_PROFILE_STRATEGY", strategies.includes("batched") ? "batched" : (strategies[0] ?? "conditional")), CHECKOUT_STRATEGIES, "strategy")[0] ?? "conditional",
    profileWorkers: numbers(pick("profile-workers", "BENCH_PROFILE_WORKERS", "1"), "--profile-workers")[0] ?? 1,
    docs: values.docs ?? envs.BENCH_DOCS === "1",
    outboxAb: Number(pick("outbox-ab", "BENCH_OUTBOX_AB", "0")),
    ratioRounds: Number(pick("ratio-rounds", "BENCH_RATIO_ROUNDS", "8")),
    ratioWarmUpS: Number(pick("ratio-warm-up", "BENCH_RATIO_WARM_UP", "30")),
  };
  if (!Number.isInteger(options.ratioRounds) || options.ratioRounds < 0 || options.ratioRounds > 50) throw new Error("--ratio-rounds takes 0-50 rounds");
  if (!Number.isFinite(options.ratioWarmUpS) || options.ratioWarmUpS < 0 || options.ratioWarmUpS > 600) throw new Error("--ratio-warm-up takes 0-600 seconds");
  if (!Number.isInteger(options.outboxAb) || options.outboxAb < 0 || options.outboxAb > 50) throw new Error("--outbox-ab takes 0-50 rounds");
  if (options.workers.length === 0 || options.workers.some((n) => n > 256)) throw new Error("--workers needs 1-256 worker counts");
  if (options.strategies.length === 0 || options.concurrency.length === 0 || options.scenarios.length === 0 || options.modes.length === 0) {
    throw new Error("Need at least one strategy, one concurrency, one scenario and one mode");
  }
  if (!/\/stockroom_[a-z0-9_]+$/.test(new URL(databaseUrl).pathname)) throw new Error("--database-url must name a stockroom_* scratch database (it is dropped)");
  return options;
}
