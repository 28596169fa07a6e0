import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_KEYS, parseEnv } from "./env";

/** `NAME=value` and commented-out `# NAME=value` lines of .env.example, with the comment above each. */
function readExample() {
  const lines = readFileSync(path.join(import.meta.dirname, "../..", ".env.example"), "utf8").split("\n");
  const vars = new Map<string, { value: string; described: boolean }>();
  for (const [i, line] of lines.entries()) {
    const m = /^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    // Described: a comment sits right above it (or above the variable it is grouped with).
    let j = i - 1;
    while (j >= 0 && /^[A-Z][A-Z0-9_]*=/.test(lines[j]!)) j--;
    vars.set(m[1]!, { value: m[2]!, described: j >= 0 && lines[j]!.startsWith("# ") && !/^# [A-Z][A-Z0-9_]*=/.test(lines[j]!) });
  }
  return vars;
}

describe(".env.example", () => {
  const example = readExample();
  const defaults = parseEnv({}) as Record<string, unknown>;

  it("lists exactly the variables lib/platform/env.ts reads", () => {
    expect([...example.keys()].sort()).toEqual([...ENV_KEYS].sort());
  });

  it("gives each its default (empty when there is none) and a line saying what it means", () => {
    for (const key of ENV_KEYS) {
      const entry = example.get(key)!;
      // SESSION_SECRET's development default is random per process: nothing to write down.
      const expected = key === "SESSION_SECRET" || defaults[key] === undefined ? "" : String(defaults[key]);
      expect({ key, value: entry.value }).toEqual({ key, value: expected });
      expect({ key, described: entry.described }).toEqual({ key, described: true });
    }
  });

  it("parses as a whole", () => {
    const values = Object.fromEntries([...example].map(([k, v]) => [k, v.value]));
    expect(() => parseEnv(values)).not.toThrow();
  });
});
