import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanForSecrets, secretsFrom } from "@/scripts/check-bundle-secrets";

const env = { SESSION_SECRET: "fixture-secret-fixture-secret-0000", DATABASE_URL: "mysql://root:fixture%40db-pass@127.0.0.1:3306/stockroom" };

function fixture(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "bundle-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("the client bundle secret scanner (scripts/check-bundle-secrets.ts)", () => {
  it("takes SESSION_SECRET and the decoded DATABASE_URL password", () => {
    expect(secretsFrom(env)).toEqual([
      { name: "SESSION_SECRET", value: env.SESSION_SECRET },
      { name: "DATABASE_URL password", value: "fixture@db-pass" },
    ]);
    expect(secretsFrom({ DATABASE_URL: "mysql://root@127.0.0.1:3306/stockroom" })).toEqual([]);
  });

  it("finds each secret in any file under the folder, nested or not", () => {
    const dir = fixture({
      "chunks/app/page-1.js": `var a="${env.SESSION_SECRET}";`,
      "chunks/deep/x/y.js": `console.log("fixture@db-pass")`,
      "css/app.css": "body{}",
    });
    const result = scanForSecrets(dir, secretsFrom(env));
    expect(result.scripts).toBe(2);
    expect(result.hits).toEqual(
      expect.arrayContaining([
        { file: path.join("chunks", "app", "page-1.js"), secret: "SESSION_SECRET" },
        { file: path.join("chunks", "deep", "x", "y.js"), secret: "DATABASE_URL password" },
      ]),
    );
  });

  it("passes a clean bundle and refuses to search for a too-short value", () => {
    const dir = fixture({ "chunks/main.js": "console.log('hello')" });
    expect(scanForSecrets(dir, secretsFrom(env)).hits).toEqual([]);
    expect(() => scanForSecrets(dir, [{ name: "x", value: "abc" }])).toThrow(/too short/);
  });
});
