/**
 * An instant as the app stores it in a DATETIME(3) and as the pool writes a Date (`timezone: "Z"`):
 * `YYYY-MM-DD HH:MM:SS.mmm` in UTC. Prebuilt SQL on the checkout's path passes this instead of the
 * Date: mysql2 formats a Date field by field through seven getters, the checkout's costliest single
 * function in a CPU profile (three per order). No imports: the raw-SQL test fixtures use it too.
 */
export const sqlDatetime = (d: Date) => d.toISOString().slice(0, 23).replace("T", " ");
