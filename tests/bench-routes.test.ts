import { describe, expect, it } from "vitest";
import { POST as noop } from "@/app/api/bench/noop/route";

describe("bench-only routes", () => {
  // The test environment leaves BENCH_METRICS unset, as production does by default.
  it("do not exist unless BENCH_METRICS=1", async () => {
    const res = await noop();
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
