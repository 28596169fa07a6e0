import pino from "pino";
import { requestContext } from "@/lib/request-context";

/**
 * Structured JSON logs, one line per event. Inside a request every line carries its `requestId`
 * (the same one the response returns in `x-request-id`). Quiet under tests unless LOG_LEVEL says otherwise.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
  // pid: with several workers (scripts/start.mjs) on one stdout, which process wrote the line.
  base: { service: "stockroom", pid: process.pid },
  redact: ["password", "*.password", "token", "*.token"],
  // A fresh object per line: pino merges each line's fields into what the mixin returns.
  mixin: () => {
    const ctx = requestContext.getStore();
    return ctx ? { requestId: ctx.requestId } : {};
  },
});
