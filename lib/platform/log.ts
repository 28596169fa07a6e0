import cluster from "node:cluster";
import pino from "pino";
import { logFormat, prettyLine } from "@/lib/platform/log-format";
import { requestContext } from "@/lib/platform/request-context";

const format = logFormat(process.env.LOG_FORMAT, Boolean(process.stdout.isTTY));
const color = format === "pretty" && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

const options: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL || (process.env.VITEST ? "silent" : "info"),
  // pid: with several workers (scripts/start.mjs) on one stdout, which process wrote the line.
  base: { service: "stockroom", pid: process.pid },
  redact: ["password", "*.password", "token", "*.token"],
  // A fresh object per line: pino merges each line's fields into what the mixin returns.
  mixin: () => {
    const ctx = requestContext.getStore();
    return ctx ? { requestId: ctx.requestId } : {};
  },
};

/**
 * Structured logs, one event per line: JSON for collectors, or one readable line per event on a
 * terminal (LOG_FORMAT, lib/platform/log-format.ts). Inside a request every line carries its `requestId`
 * (the same one the response returns in `x-request-id`). Quiet under tests unless LOG_LEVEL says otherwise.
 */
export const log = format === "pretty" ? pino(options, { write: (line: string) => process.stdout.write(prettyLine(line, color, { pid: cluster.isWorker })) }) : pino(options);
