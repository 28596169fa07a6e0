import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { Line } from "@/lib/cart/store";
import type { Strategy } from "@/lib/orders/checkout";

/** `queuePasses`: waiting-room passes the checkout carries (as `X-Queue-Pass` would). */
export type BuyerOrder = { userId: number; addressId: number; key: string; queuePasses?: string[] };

const exec = promisify(execFile);
const script = path.join(import.meta.dirname, "buyer-process.ts");
const tsx = path.join(import.meta.dirname, "../../node_modules/.bin/tsx");

/**
 * Places each group's orders from a server process of its own (tests/support/buyer-process.ts),
 * all processes at once against the test database and Redis; returns each group's outcomes
 * ("OK" or an error code) in order. `ownCart`: every checkout buys a cart of its own with these
 * lines (see buyer-process.ts). `envs[i]`: environment overrides for group i's process (e.g. its
 * own database node).
 */
export async function placeFromProcesses(
  groups: BuyerOrder[][],
  strategy: Strategy,
  { ownCart, envs = [] }: { ownCart?: Line[]; envs?: Record<string, string>[] } = {},
): Promise<string[][]> {
  const outputs = await Promise.all(
    groups.map((orders, i) =>
      exec(tsx, ["--conditions=react-server", script, JSON.stringify(orders), strategy, ...(ownCart ? [JSON.stringify(ownCart)] : [])], {
        env: { ...process.env, ...envs[i] },
        timeout: 120_000,
        encoding: "utf8",
      }).catch(
        (e: { stdout?: string; stderr?: string }) => {
          throw new Error(`buyer process failed: ${String(e)}\nstdout: ${e.stdout}\nstderr: ${e.stderr}`);
        },
      ),
    ),
  );
  return outputs.map((o) => JSON.parse(o.stdout.trim().split("\n").pop()!) as string[]);
}
