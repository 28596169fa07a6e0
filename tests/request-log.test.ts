import { afterEach, describe, expect, it, vi } from "vitest";
import { GET as adminStock } from "@/app/api/admin/stock/route";
import { GET as listOrders } from "@/app/api/orders/route";
import { log } from "@/lib/platform/log";
import { makeShopper, noCtx, request } from "./support/fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The level each "request" line was logged at, while this runs. */
async function requestLines(run: () => Promise<unknown>) {
  const lines: string[] = [];
  for (const level of ["debug", "info"] as const) {
    vi.spyOn(log, level).mockImplementation(((_obj: unknown, msg?: string) => {
      if (msg === "request") lines.push(level);
    }) as typeof log.info);
  }
  await run();
  return lines;
}

describe("request log lines", () => {
  it("a successful poll of the admin stock route logs at debug, so an open admin tab stays quiet at info", async () => {
    const admin = await makeShopper("admin");
    expect(await requestLines(() => adminStock(request("/api/admin/stock", { cookie: admin.cookie }), noCtx))).toEqual(["debug"]);
  });

  it("a refused poll, and every other route, still log at info", async () => {
    const shopper = await makeShopper();
    expect(await requestLines(() => adminStock(request("/api/admin/stock", { cookie: shopper.cookie }), noCtx))).toEqual(["info"]);
    expect(await requestLines(() => listOrders(request("/api/orders", { cookie: shopper.cookie }), noCtx))).toEqual(["info"]);
  });
});
