import type { RowDataPacket } from "mysql2";
import { getPool } from "@/db";
import { ThrowawayMariaDb, ThrowawayRedis } from "@/tests/faults/services";
import { pidsNamed } from "./cpu";
import type { Options } from "./options";

/** MariaDB and Redis as the bench's CPU accounting sees them: who they are and which pids to sample. */
export type BenchServices = {
  own: boolean;
  mariadb: () => number[];
  redis: () => number[];
  stop(): Promise<void>;
};

/**
 * The machine's shared mariadbd has this bench's settings (buffer pool, redo log, O_DIRECT, no
 * binary log); the bench's own server gets the same, so its figures compare with earlier runs.
 */
const MARIADB_ARGS = [
  "--innodb-buffer-pool-size=128M",
  "--innodb-log-file-size=96M",
  "--innodb-flush-method=O_DIRECT",
  "--innodb-flush-log-at-trx-commit=1",
  "--max-connections=151",
  "--performance-schema=OFF",
];
/** As the shared Redis: no append-only file, no snapshots. */
const REDIS_ARGS = ["--appendonly", "no", "--appendfsync", "everysec", "--save", ""];

/**
 * With `--services own` (the default) a mariadbd and a redis-server of the bench's own, on
 * their own ports and throwaway data folders (the fault tests' helpers), so the CPU their
 * processes use during a cell is this bench's alone; they die with the bench. With `shared`,
 * every `mariadbd` and `redis-server` on the machine is sampled, and other work on them counts.
 */
export async function startServices(opts: Pick<Options, "services" | "servicesPort">): Promise<BenchServices> {
  if (opts.services === "shared") {
    return { own: false, mariadb: () => pidsNamed("mariadbd"), redis: () => pidsNamed("redis-server"), stop: async () => {} };
  }
  const mariadb = new ThrowawayMariaDb(opts.servicesPort, MARIADB_ARGS);
  const redis = new ThrowawayRedis(opts.servicesPort + 1, REDIS_ARGS);
  await Promise.all([mariadb.start(), redis.start()]);
  const pid = (p: number | undefined) => (p === undefined ? [] : [p]);
  return {
    own: true,
    mariadb: () => pid(mariadb.child?.pid),
    redis: () => pid(redis.child?.pid),
    stop: async () => {
      await Promise.all([mariadb.stop(), redis.stop()]);
    },
  };
}

/** The statement counters a cell reports per unit (SHOW GLOBAL STATUS): statements in all, and by kind. */
const COUNTERS = ["Questions", "Com_select", "Com_insert", "Com_update", "Com_delete", "Com_begin", "Com_commit", "Com_rollback", "Handler_write", "Handler_update", "Handler_read_key", "Handler_read_next", "Handler_read_rnd_next"];

export async function mariadbCounters(): Promise<Map<string, number>> {
  const [rows] = await getPool().query<RowDataPacket[]>(`SHOW GLOBAL STATUS WHERE Variable_name IN (${COUNTERS.map(() => "?").join(", ")})`, COUNTERS);
  return new Map(rows.map((r) => [String(r.Variable_name), Number(r.Value)]));
}

/** Each counter's growth between two readings per unit, two decimals; the reading's own statements are not taken off (one each). */
export function countersPerUnit(before: Map<string, number>, after: Map<string, number>, units: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, v] of after) out[name.replace(/^Com_/, "")] = units > 0 ? Math.round(((v - (before.get(name) ?? 0)) / units) * 100) / 100 : 0;
  return out;
}
