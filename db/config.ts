import { z } from "zod";

/**
 * The database's own settings, validated here so db/ depends on nothing above it.
 * lib/platform/env.ts builds the app's whole configuration from these same fields.
 */
const mysqlUrl = z
  .url({ protocol: /^mysql$/, error: "must be a mysql:// URL" })
  .refine((u) => new URL(u).pathname.length > 1, "must name a database, e.g. mysql://root@127.0.0.1:3306/stockroom");

export const dbEnvShape = {
  DATABASE_URL: mysqlUrl.default("mysql://root@127.0.0.1:3306/stockroom"),
  DATABASE_READ_URLS: z
    .string()
    .refine((list) => list.split(",").every((u) => mysqlUrl.safeParse(u.trim()).success), "must be comma-separated mysql:// URLs naming a database")
    .optional()
    .describe("replicas for catalog reads only; never for checkout decisions"),
  DB_POOL_SIZE: z.coerce.number().int().positive().max(500).default(20),
};

/**
 * The first account of a new shop, created by the seed (`npm run db:seed`) or `npm run admin:create`.
 * No default password: outside the demo (SEED_DEMO=1) the seed refuses to run without one.
 */
export const seedEnvShape = {
  ADMIN_USERNAME: z.string().regex(/^[a-zA-Z0-9_.-]{3,32}$/, "must be 3-32 of a-z A-Z 0-9 _ . -").default("admin"),
  ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").max(128).optional(),
};

/** Empty strings count as unset, as shells and .env files often leave them. */
export const setVariables = (source: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));

/** Parses `shape` from `source`; a bad value throws one line naming the variable and the problem. */
export function parseConfig<S extends z.ZodRawShape>(shape: S, source: Record<string, string | undefined>) {
  const result = z.object(shape).safeParse(setVariables(source));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new Error(`Invalid configuration: ${issue.path.join(".") || "environment"} ${issue.message}`);
}

let cached: z.infer<z.ZodObject<typeof dbEnvShape>> | undefined;

/** The pool's settings from process.env, parsed once. */
export function dbConfig() {
  cached ??= parseConfig(dbEnvShape, process.env);
  return cached;
}
