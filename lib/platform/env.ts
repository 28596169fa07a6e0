import { randomBytes } from "node:crypto";
import { z } from "zod";
import { dbEnvShape, seedEnvShape, setVariables } from "@/db/config";
import { CHECKOUT_STRATEGIES } from "@/db/schema";

export { CHECKOUT_STRATEGIES };

export type CheckoutStrategy = (typeof CHECKOUT_STRATEGIES)[number];

const redisUrl = z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" });
// host:port[,host:port...], e.g. 10.0.0.1:7000,10.0.0.2:7000
const clusterNodes = z.string().regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, "must be host:port[,host:port...]");
const positiveInt = z.coerce.number().int().positive();

// A dev default keeps `npm run dev` one command; production must bring its own secret.
const devSecret = randomBytes(32).toString("hex");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    ...dbEnvShape,
    ...seedEnvShape,
    REDIS_URL: redisUrl.default("redis://127.0.0.1:6379"),
    REDIS_CLUSTER_NODES: clusterNodes.optional().describe("when set, a Redis Cluster is used instead of REDIS_URL"),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    TRUSTED_PROXY_HOPS: z.coerce
      .number()
      .int()
      .min(0)
      .max(10)
      .default(0)
      .describe("proxies in front of the app whose X-Forwarded-For entry is believed; 0: only the socket's address"),
    CHECKOUT_STRATEGY: z.enum(CHECKOUT_STRATEGIES).default("batched"),
    CHECKOUT_MAX_ATTEMPTS: positiveInt.max(20).default(4),
    CHECKOUT_BATCHES_IN_FLIGHT: positiveInt.max(16).default(1).describe("batched: transactions one process runs at once; one customer's checkouts are never in two"),
    FREIGHT: z
      .string()
      .regex(/^\d{1,6}(\.\d{1,2})?$/, "must be a decimal amount such as 10.00")
      .default("10.00"),
    LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5),
    ORDER_PAYMENT_TTL: positiveInt.default(900).describe("seconds an unpaid order holds its stock"),
    DROP_RECORD: z.enum(["0", "1"]).default("1").describe("1 keeps every second of a drop in MariaDB (lib/drops/recorder.ts); 0 turns the recorder and its per-shopper counts off"),
    SWEEP_INTERVAL: z.coerce.number().int().min(0).default(30).describe("seconds between expiry sweeps; 0 turns the in-server sweeper off"),
    CHECKOUT_RATE_LIMIT: z.coerce.number().int().min(0).default(20).describe("new checkouts per user per minute; 0 turns the limit off"),
    BENCH_METRICS: z.enum(["0", "1"]).default("0").describe("1 enables the benchmark's no-op route"),
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional().describe("bearer token for GET /api/metrics; unset, the route is a 404"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().describe("pino level; info by default (silent under vitest)"),
    LOG_FORMAT: z.enum(["pretty", "json"]).optional().describe("pretty when stdout is a terminal, else json"),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional().describe("OTLP/HTTP collector base URL; set, tracing starts"),
    OTEL_SERVICE_NAME: z.string().default("stockroom"),
    SMTP_URL: z
      .url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587" })
      .optional()
      .describe("the relay's SMTP server; unset, e-mails wait in the outbox as not sent"),
    MAIL_FROM: z
      .string()
      .min(3)
      .max(254)
      .refine((v) => !/[\r\n]/.test(v), "must be one line")
      .default("Stockroom <shop@stockroom.invalid>")
      .describe("the From of every e-mail"),
    SHOP_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).default("http://localhost:3000").describe("the shop's public address, for links in e-mails"),
    MAIL_POLL_MS: z.coerce.number().int().min(0).max(60_000).default(500).describe("milliseconds between the mail relay's passes (without SMTP_URL, at most one a minute); 0 turns the in-server relay off"),
    MAIL_MAX_ATTEMPTS: positiveInt.max(50).default(8).describe("attempts at one e-mail before it is failed"),
    BACK_IN_STOCK_FACTOR: positiveInt.max(1000).default(3).describe("a restock of N units e-mails at most max(N, 10) x this many of the variant's waiting subscribers"),
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional().describe("worker processes of npm start (scripts/start.mjs validates it too); unset: one per core"),
  })
  .transform((e, ctx) => {
    if (!e.SESSION_SECRET && e.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required in production (32+ characters)" });
      return z.NEVER;
    }
    return { ...e, SESSION_SECRET: e.SESSION_SECRET ?? devSecret };
  });

export type Env = z.infer<typeof schema>;

/** Every variable this module reads (.env.example must list exactly these; lib/platform/env.test.ts checks). */
export const ENV_KEYS = Object.keys(schema.in.shape) as (keyof typeof schema.in.shape)[];

export class EnvError extends Error {}

/** Parses configuration; the error message is one line naming the variable and the problem. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(setVariables(source));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.join(".") || "environment";
  throw new EnvError(`Invalid configuration: ${name} ${issue.message}`);
}

let cached: Env | undefined;

/** The process's configuration, parsed once on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
