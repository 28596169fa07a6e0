import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MALFORMED_PATH_PAGE } from "@/lib/web/malformed-path";

describe("the front's copy of the 400 page", () => {
  it("is the page the app answers a broken percent-escape with, byte for byte (scripts/front/400.html)", () => {
    expect(readFileSync(path.join(__dirname, "../scripts/front/400.html"), "utf8")).toBe(MALFORMED_PATH_PAGE);
  });
});
