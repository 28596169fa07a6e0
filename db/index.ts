import { drizzle } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import { dbConfig } from "./config";
import * as schema from "./schema";

/**
 * Every transaction in this codebase runs READ COMMITTED (each says so at its call), so it is
 * also every pooled session's default: `transaction` below then needs no statement to set it.
 */
const SESSION_ISOLATION = "read committed";

/**
 * Galera's causality wait: a read on such a session first waits until its node has applied every
 * write the cluster committed before the read began. A no-op on a server that is not a Galera
 * node; MySQL 8 has no such variable (ER_UNKNOWN_SYSTEM_VARIABLE), and needs none: one server.
 */
const SYNC_WAIT = "SET SESSION wsrep_sync_wait = 1";
const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

export function createPool(url: string, connectionLimit: number, { causal = false }: { causal?: boolean } = {}) {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit,
    // DECIMAL stays a string (money is never a float); BIGINT ids fit in a JS number.
    decimalNumbers: false,
    supportBigNumbers: true,
    enableKeepAlive: true,
    timezone: "Z",
    dateStrings: false,
    // Otherwise every query captures a stack trace up front, in case it fails: about a tenth of
    // the checkout's CPU. A failed query's stack then ends in mysql2; the log still has its SQL error.
    trace: false,
    // The checkout sends a batch's rows after its headers in one round trip (lib/orders/order-rows.ts
    // says what keeps such a query safe on Galera). Every statement in this codebase is
    // Drizzle-built or prebuilt with `?` placeholders, never text spliced in from a request, so a
    // second statement can only come from our own SQL.
    multipleStatements: true,
  });
  // Queued on a new connection before anything its first user sends. One that cannot be set up is dropped.
  pool.pool.on("connection", (conn) => {
    conn.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${SESSION_ISOLATION.toUpperCase()}`, (err) => err && conn.destroy());
    if (causal) conn.query(SYNC_WAIT, (err) => err && err.errno !== ER_UNKNOWN_SYSTEM_VARIABLE && conn.destroy());
  });
  return pool;
}

export const createDb = (pool: mysql.Pool) => drizzle(pool, { schema, mode: "default" });
export type Db = ReturnType<typeof createDb>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const lists: string[] = [];
/** `?, ?, ?` for an IN list or a VALUES row of `n` values (built once per length). */
export const placeholders = (n: number) => (lists[n] ??= Array.from({ length: n }, () => "?").join(", "));

/** Rows an UPDATE/DELETE changed: the conditional updates' verdict (mysql2 returns [ResultSetHeader, ...]). */
export const affectedRows = (result: unknown) => (result as [{ affectedRows: number }])[0].affectedRows;

// One pool per process; in development hot reloads would otherwise open a new one each time.
const globalForDb = globalThis as unknown as {
  stockroomPool?: mysql.Pool;
  stockroomDb?: Db;
  stockroomReadDb?: Db;
  stockroomReadPool?: mysql.Pool;
  stockroomCausalPool?: mysql.Pool;
  stockroomCausalDb?: Db;
};

export function getPool(): mysql.Pool {
  globalForDb.stockroomPool ??= createPool(dbConfig().DATABASE_URL, dbConfig().DB_POOL_SIZE);
  return globalForDb.stockroomPool;
}

export function getDb(): Db {
  globalForDb.stockroomDb ??= createDb(getPool());
  return globalForDb.stockroomDb;
}

/**
 * For the reads that answer "does this request already have an order?" after something else
 * saw that order's effects (a refusal by the purchase limit or the stock, a duplicate key): a
 * second pool of the primary's connections (opened as needed, up to DB_POOL_SIZE: every
 * refused checkout asks it) whose reads wait for causality on Galera, so a node
 * behind HAProxy that has not yet applied a commit the cluster already made does not answer
 * "no such order". Costs a wait only on Galera, and only on refusals and replays.
 */
export function getCausalDb(): Db {
  globalForDb.stockroomCausalPool ??= createPool(dbConfig().DATABASE_URL, dbConfig().DB_POOL_SIZE, { causal: true });
  globalForDb.stockroomCausalDb ??= createDb(globalForDb.stockroomCausalPool);
  return globalForDb.stockroomCausalDb;
}

export const getCausalPool = (): mysql.Pool => (getCausalDb(), globalForDb.stockroomCausalPool!);

/**
 * A query Drizzle builds once per database handle instead of on every call (its prepared
 * statements take `sql.placeholder` values at execution): for the hottest small lookups.
 */
export function preparedQuery<T>(build: (db: Db) => T, which: () => Db = getDb): () => T {
  const built = new WeakMap<Db, T>();
  return () => {
    const db = which();
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query;
  };
}

type IsolationLevel = "read committed" | "repeatable read";

const LOST = new Set(["PROTOCOL_CONNECTION_LOST", "ECONNRESET", "EPIPE"]);

/**
 * The connection died under the statement: cut by HAProxy when it marked the node down, or by a
 * node that restarted. mysql2 marks such errors `fatal`; one without a code is a connection
 * already closed ("Can't add new command when connection is in closed state").
 */
export function isLostConnection(e: unknown): boolean {
  const err = e as { code?: unknown; fatal?: unknown } | null;
  return typeof err?.code === "string" ? LOST.has(err.code) : err?.fatal === true;
}

/**
 * Runs a read once more when its connection turned out dead: nothing was written, and the pool
 * hands the second try another connection (the dead one is gone from it).
 */
export async function onceMoreIfLost<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!isLostConnection(e)) throw e;
    return read();
  }
}

/**
 * A connection inside a transaction of `transaction` below: prebuilt SQL with `?` placeholders.
 * Only `query`: the transaction's first statement carries its start (see `transaction`), and
 * `commitWith` below its end.
 */
export type Conn = Pick<mysql.PoolConnection, "query"> & {
  /** The next query ends the transaction with a COMMIT of its own: `transaction` sends none. */
  commitsItself(): void;
};

/**
 * The transaction's last query, never its first: `sql`, COMMIT, then `check` (one statement), in
 * one round trip (one fewer than a COMMIT of its own). Answers the results of `sql`'s statements,
 * then `check`'s.
 *
 * `check` must show the caller that the transaction committed, by reading something it wrote: on
 * Galera an abort that falls between two statements of one query is not reported to the later
 * ones (lib/orders/order-rows.ts), and a COMMIT that then runs outside the transaction commits
 * nothing and answers OK. A read after it on the same connection sees the transaction's rows only
 * if they were committed.
 */
export async function commitWith(tx: Conn, sql: string, check: string, values: unknown[]): Promise<unknown[]> {
  tx.commitsItself();
  const [results] = (await tx.query(`${sql};\nCOMMIT;\n${check}`, values)) as unknown as [unknown[]];
  results.splice(-2, 1);
  return results;
}

type Results = [unknown[], unknown[]];

/**
 * A transaction on one pooled connection, for the checkout's hot path: its statements are
 * prebuilt SQL, where building each through Drizzle cost more CPU than the database spent on
 * it. Same shape as Drizzle's (`set transaction` unless the level is the session's,
 * `start transaction`, commit or rollback), but the start rides in front of the transaction's
 * first query, one round trip fewer: no abort can fall between them (a transaction holds no
 * lock before its first statement), and that query answers as if sent alone. Its COMMIT may
 * ride on its last query in the same way (`commitWith`).
 *
 * A connection found dead at that first query (cut by HAProxy when it marked the node down, or by
 * a node that restarted) had nothing written on it, since the transaction never committed: it is
 * dropped and the query is sent once more on another, so a pool left with dead connections costs
 * a checkout one round trip, not a 503. A connection whose ROLLBACK failed is dropped, not handed
 * to the next caller.
 */
export async function transaction<T>(
  fn: (conn: Conn) => Promise<T>,
  { isolationLevel, pool = getPool() }: { isolationLevel: IsolationLevel; pool?: mysql.Pool },
): Promise<T> {
  const begin = isolationLevel === SESSION_ISOLATION ? ["START TRANSACTION"] : [`SET TRANSACTION ISOLATION LEVEL ${isolationLevel.toUpperCase()}`, "START TRANSACTION"];
  let conn = await pool.getConnection();
  let begun = false;
  const first = async (sql: string, values?: mysql.QueryValues): Promise<Results> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const [results, fields] = (await conn.query(`${begin.join(";\n")};\n${sql}`, values)) as unknown as Results;
        begun = true;
        const rest = results.slice(begin.length);
        return rest.length === 1 ? [rest[0] as unknown[], fields[begin.length] as unknown[]] : [rest, fields.slice(begin.length)];
      } catch (e) {
        if (attempt >= 2 || !isLostConnection(e)) {
          // The transaction may have started before the error: roll it back (a ROLLBACK without one is harmless).
          begun = true;
          throw e;
        }
        conn.destroy();
        conn = await pool.getConnection();
      }
    }
  };
  let committed = false;
  const tx = {
    query: (sql: string, values?: mysql.QueryValues) => (begun ? conn.query(sql, values) : first(sql, values)),
    // On the first query a lost connection would send it again: a COMMIT whose reply was lost, twice.
    commitsItself: () => {
      if (!begun) throw new Error("commitWith needs an earlier query in the transaction");
      committed = true;
    },
  } as unknown as Conn;
  let broken = false;
  try {
    try {
      const result = await fn(tx);
      if (begun && !committed) await conn.query("COMMIT");
      return result;
    } catch (e) {
      if (begun) await conn.query("ROLLBACK").catch(() => (broken = true));
      throw e;
    }
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
}

/**
 * For catalog reads that may lag a little: one of the replicas in `DATABASE_READ_URLS` (each
 * process picks one at random, which spreads N processes over the replicas), or the primary
 * when none is set. Never use it for anything a checkout or a stock decision depends on: a
 * replica can be behind.
 */
export function getReadDb(): Db {
  const urls = dbConfig().DATABASE_READ_URLS?.split(",").map((u) => u.trim());
  if (!urls) return getDb();
  if (!globalForDb.stockroomReadDb) {
    globalForDb.stockroomReadPool = createPool(urls[Math.floor(Math.random() * urls.length)]!, dbConfig().DB_POOL_SIZE);
    globalForDb.stockroomReadDb = createDb(globalForDb.stockroomReadPool);
  }
  return globalForDb.stockroomReadDb;
}

export async function closeDb() {
  const pool = globalForDb.stockroomPool;
  const readPool = globalForDb.stockroomReadPool;
  const causalPool = globalForDb.stockroomCausalPool;
  globalForDb.stockroomPool = undefined;
  globalForDb.stockroomCausalPool = undefined;
  globalForDb.stockroomCausalDb = undefined;
  globalForDb.stockroomDb = undefined;
  globalForDb.stockroomReadDb = undefined;
  globalForDb.stockroomReadPool = undefined;
  await Promise.all([pool?.end(), readPool?.end(), causalPool?.end()]);
}
