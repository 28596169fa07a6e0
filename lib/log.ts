import pino from "pino";

/** Structured JSON logs, one line per event. Quiet under tests unless LOG_LEVEL says otherwise. */
export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
  base: { service: "stockroom" },
  redact: ["password", "*.password", "token", "*.token"],
});
