import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareProfileCells } from "./lib/profile";

/**
 * A profile whose first second samples the trivial route (1 ms of a package per sample) and whose
 * second second samples the checkout (the same, plus mysql2 and idle), 1,000 samples each.
 */
function syntheticProfile() {
  const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url } });
  const nodes = [frame(1, "(root)", ""), frame(2, "handle", "/app/node_modules/next/dist/server/base-server.js"), frame(3, "query", "/app/node_modules/mysql2/lib/base/connection.js"), frame(4, "(idle)", "")];
  const samples: number[] = [];
  for (let i = 0; i < 1000; i++) samples.push(2);
  for (let i = 0; i < 1000; i++) samples.push(i % 4 === 0 ? 3 : i % 4 === 1 ? 4 : 2);
  return { nodes, startTime: 0, endTime: 2_000_000, samples, timeDeltas: samples.map(() => 1000) };
}

/** The synthetic profile's two cells compared (100 trivial requests, then 50 orders), and the table's data rows. */
async function compareSyntheticCells(dir: string) {
  const table = await compareProfileCells(
    dir,
    0,
    { label: "trivial", window: [1, 1_000_000], units: 100 },
    { label: "checkout", window: [1_000_001, 2_000_000], units: 50 },
  );
  return { table, rows: table.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| where")) };
}

describe("compareProfileCells", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "profile-"));
    await writeFile(path.join(dir, "server.cpuprofile"), JSON.stringify(syntheticProfile()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("puts each cell's self time per unit side by side, largest difference first, idle out of the busy total", async () => {
    const { rows } = await compareSyntheticCells(dir);
    // Trivial: 1,000 ms of next over 100 requests. Checkout: 500 ms next, 250 mysql2, 250 idle over 50 orders.
    expect(rows[0]).toBe("| mysql2 | 0.0 | 5000.0 | +5000.0 |");
    expect(rows).toContain("| idle (waiting on I/O) | 0.0 | 5000.0 | +5000.0 |");
    expect(rows).toContain("| next | 10000.0 | 10000.0 | +0.0 |");
    expect(rows.at(-1)).toBe("| **busy (all but idle)** | **10000.0** | **15000.0** | **+5000.0** |");
  });

  it("refuses to compare a cell whose window holds no samples, rather than the whole profile", async () => {
    expect(await compareProfileCells(dir, 0, { label: "trivial", window: [1, 1_000_000], units: 100 }, { label: "checkout", window: [5_000_000, 6_000_000], units: 50 })).toBe(
      "(no samples inside checkout's window)",
    );
  });

  it("says so when no profile was written after `since`", async () => {
    expect(await compareProfileCells(dir, Date.now() + 60_000, { label: "a", window: [0, 1], units: 1 }, { label: "b", window: [0, 1], units: 1 })).toBe("(no CPU profile was written)");
  });
});

describe("compareProfileCells over several processes", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "profile-"));
    // Two workers of one server, each sampling both cells: their time per unit adds up.
    await writeFile(path.join(dir, "worker-1.cpuprofile"), JSON.stringify(syntheticProfile()));
    await writeFile(path.join(dir, "worker-2.cpuprofile"), JSON.stringify(syntheticProfile()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("sums every profile written since the start over the units both served", async () => {
    const { table, rows } = await compareSyntheticCells(dir);
    expect(rows[0]).toBe("| mysql2 | 0.0 | 10000.0 | +10000.0 |");
    expect(rows.at(-1)).toBe("| **busy (all but idle)** | **20000.0** | **30000.0** | **+10000.0** |");
    expect(table).toContain("worker-1.cpuprofile, bench/results/profile/worker-2.cpuprofile");
  });
});
