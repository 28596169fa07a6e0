import { describe, expect, it } from "vitest";
import { logFormat, prettyLine } from "./log-format";

describe("log format", () => {
  it("is pretty on a terminal and JSON otherwise, unless LOG_FORMAT says", () => {
    expect(logFormat(undefined, true)).toBe("pretty");
    expect(logFormat(undefined, false)).toBe("json");
    expect(logFormat("json", true)).toBe("json");
    expect(logFormat("pretty", false)).toBe("pretty");
  });

  it("prints one readable line per event: time, level, message, fields", () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12, 4, 31, 207), pid: 1, hostname: "h", service: "stockroom", msg: "request", method: "POST", path: "/api/orders", status: 201, requestId: "abc", note: "two words" });
    expect(prettyLine(line)).toBe('12:04:31.207 INFO  request method=POST path=/api/orders status=201 requestId=abc note="two words"\n');
    expect(prettyLine(line, true)).toContain("\x1b[32mINFO \x1b[0m");
    // Several workers on one terminal: which one wrote it.
    expect(prettyLine(line, false, { pid: true })).toContain(" pid=1 ");
  });

  it("puts an error's stack under its line and passes non-JSON through", () => {
    const line = JSON.stringify({ level: 50, time: 0, msg: "unhandled error", err: { type: "Error", message: "boom", stack: "Error: boom\n    at here" } });
    expect(prettyLine(line)).toBe("00:00:00.000 ERROR unhandled error\n    Error: boom\n        at here\n");
    expect(prettyLine("not json")).toBe("not json\n");
  });
});
