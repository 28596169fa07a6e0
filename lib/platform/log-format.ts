/**
 * A one-line human format for pino's JSON lines (LOG_FORMAT=pretty, the default on a terminal):
 *   12:04:31.207 INFO  request method=POST path=/api/orders status=201 ms=38 requestId=…
 * Small on purpose, instead of pino-pretty and its worker thread: the fields stay as pino wrote
 * them, errors get their stack on the following lines.
 */
const LEVELS: Record<number, { name: string; color: number }> = {
  10: { name: "TRACE", color: 90 },
  20: { name: "DEBUG", color: 36 },
  30: { name: "INFO", color: 32 },
  40: { name: "WARN", color: 33 },
  50: { name: "ERROR", color: 31 },
  60: { name: "FATAL", color: 35 },
};
/** pino's own fields, shown in the prefix or not at all. */
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "service", "err"]);

const text = (v: unknown) => {
  if (typeof v === "string") return /[\s"=]/.test(v) || v === "" ? JSON.stringify(v) : v;
  return JSON.stringify(v);
};

/** `pid`: show the process id (several workers writing to one terminal). */
export function prettyLine(line: string, color = false, { pid = false }: { pid?: boolean } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const level = LEVELS[entry.level as number] ?? { name: String(entry.level), color: 0 };
  const time = typeof entry.time === "number" ? new Date(entry.time).toISOString().slice(11, 23) : "";
  const name = level.name.padEnd(5);
  const fields = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k) || (pid && k === "pid"))
    .map(([k, v]) => `${k}=${text(v)}`);
  let out = [time, color ? `\x1b[${level.color}m${name}\x1b[0m` : name, entry.msg ?? "", ...fields].filter((p) => p !== "").join(" ");
  const err = entry.err as { type?: string; message?: string; stack?: string } | undefined;
  if (err) out += `\n    ${(err.stack ?? `${err.type ?? "Error"}: ${err.message}`).replace(/\n/g, "\n    ")}`;
  return `${out}\n`;
}

export type LogFormat = "pretty" | "json";

/** LOG_FORMAT when set, else pretty on a terminal and JSON for anything else (files, collectors). */
export function logFormat(value: string | undefined, isTTY: boolean): LogFormat {
  return value === "json" || value === "pretty" ? value : isTTY ? "pretty" : "json";
}
