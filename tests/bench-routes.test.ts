import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POST as noop } from "@/app/api/bench/noop/route";
import { POST as wait } from "@/app/api/bench/wait/route";

const waitRequest = (query: string) => new NextRequest(`http://localhost/api/bench/wait${query}`, { method: "POST" });

describe("bench-only routes", () => {
  // The test environment leaves BENCH_METRICS unset, as production does by default.
  it("do not exist unless BENCH_METRICS=1", async () => {
    for (const res of [await noop(), await wait(waitRequest("?ms=10"))]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });

  describe("with BENCH_METRICS=1", () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    // A fresh module graph, so the configuration is read again with the bench's switch on.
    async function benchWait() {
      vi.stubEnv("BENCH_METRICS", "1");
      vi.resetModules();
      return (await import("@/app/api/bench/wait/route")).POST;
    }

    it("the waiting route holds the request the milliseconds asked, then answers like the trivial route", async () => {
      const post = await benchWait();
      const started = performance.now();
      const res = await post(waitRequest("?ms=60"));
      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    });

    it("refuses a wait that is not a whole number of milliseconds from 0 to 60000", async () => {
      const post = await benchWait();
      for (const query of ["", "?ms=abc", "?ms=-1", "?ms=2.5", "?ms=60001"]) {
        const res = await post(waitRequest(query));
        expect(res.status, query).toBe(400);
        expect(await res.json()).toMatchObject({ error: { code: "VALIDATION", message: "ms must be a whole number of milliseconds, 0-60000." } });
      }
    });
  });
});
